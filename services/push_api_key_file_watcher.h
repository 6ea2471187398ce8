#pragma once

#include <chrono>
#include <memory>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "services/push_api_key_store.h"

namespace hubgate::services {

// Re-reads the Push API key files once per `interval` on its own thread, so that a rotated
// Kubernetes Secret (or a file replaced by hand) takes effect without a restart. Polling
// rather than inotify: a mounted Secret is swapped through symlinks, which inotify on the file
// itself does not see.
class PushApiKeyFileWatcher {
 public:
  PushApiKeyFileWatcher(std::shared_ptr<PushApiKeyStore> keys, std::chrono::milliseconds interval);
  ~PushApiKeyFileWatcher();  // stops and joins the thread

  PushApiKeyFileWatcher(const PushApiKeyFileWatcher&) = delete;
  PushApiKeyFileWatcher& operator=(const PushApiKeyFileWatcher&) = delete;

 private:
  void Run();

  std::shared_ptr<PushApiKeyStore> keys_;
  const std::chrono::milliseconds interval_;
  absl::Mutex mutex_;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_;  // last: starts after the members it reads
};

}  // namespace hubgate::services
