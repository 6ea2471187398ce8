#include "services/push_api_key_file_watcher.h"

#include <utility>

#include "absl/time/time.h"

namespace hubgate::services {

PushApiKeyFileWatcher::PushApiKeyFileWatcher(std::shared_ptr<PushApiKeyStore> keys,
                                             std::chrono::milliseconds interval)
    : keys_(std::move(keys)), interval_(interval), thread_([this] { Run(); }) {}

PushApiKeyFileWatcher::~PushApiKeyFileWatcher() {
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
  }
  thread_.join();
}

void PushApiKeyFileWatcher::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mutex_);
      // Wakes early only to stop.
      mutex_.AwaitWithTimeout(absl::Condition(&stopping_), absl::FromChrono(interval_));
      if (stopping_) {
        return;
      }
    }
    keys_->ReloadKeyFiles();
  }
}

}  // namespace hubgate::services
