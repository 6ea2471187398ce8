#include "services/pem_mirror_registry.h"

#include <cstdlib>
#include <utility>

#include "absl/time/time.h"
#include "services/certificate_files.h"

namespace hubgate::services {
namespace {

std::string TemporaryDirectory() {
  const char* tmpdir = std::getenv("TMPDIR");
  return tmpdir != nullptr && *tmpdir != '\0' ? std::string(tmpdir) : std::string("/tmp");
}

MirroredPemPaths PathsOf(const ValidatedPemMirror& mirror) {
  return MirroredPemPaths{mirror.certificate_path(), mirror.key_path(), mirror.ca_path()};
}

}  // namespace

PemMirrorRegistry& PemMirrorRegistry::Instance() {
  // A function-local static: destroyed at a normal exit, which removes the directories.
  static PemMirrorRegistry registry(TemporaryDirectory(), kPemMirrorCheckInterval);
  return registry;
}

PemMirrorRegistry::PemMirrorRegistry(std::string parent_directory,
                                     std::chrono::milliseconds interval)
    : parent_directory_(std::move(parent_directory)), interval_(interval) {}

PemMirrorRegistry::~PemMirrorRegistry() {
  std::thread thread;
  {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
    thread = std::move(thread_);
  }
  if (thread.joinable()) {
    thread.join();
  }
}

absl::StatusOr<MirroredPemPaths> PemMirrorRegistry::Mirror(const PemSourceSet& sources) {
  absl::MutexLock lock(&mutex_);
  for (const std::unique_ptr<ValidatedPemMirror>& mirror : mirrors_) {
    if (mirror->sources() == sources) {
      Refresh(*mirror);
      return PathsOf(*mirror);
    }
  }
  absl::StatusOr<std::unique_ptr<ValidatedPemMirror>> made =
      ValidatedPemMirror::Create(sources, parent_directory_);
  if (!made.ok()) {
    return made.status();
  }
  mirrors_.push_back(*std::move(made));
  if (!thread_.joinable()) {
    // Started with the first mirror: a gateway without TLS on its gRPC side has no such thread.
    thread_ = std::thread([this] { RefreshUntilStopped(); });
  }
  return PathsOf(*mirrors_.back());
}

void PemMirrorRegistry::RefreshUntilStopped() {
  absl::MutexLock lock(&mutex_);
  while (!mutex_.AwaitWithTimeout(absl::Condition(&stopping_), absl::FromChrono(interval_))) {
    for (const std::unique_ptr<ValidatedPemMirror>& mirror : mirrors_) {
      Refresh(*mirror);
    }
  }
}

void PemMirrorRegistry::SetReloadObserver(PemReloadObserver observer) {
  absl::MutexLock lock(&mutex_);
  observer_ = std::move(observer);
}

void PemMirrorRegistry::Refresh(ValidatedPemMirror& mirror) {
  const ValidatedPemMirror::RefreshResult result = mirror.Refresh();
  if (result == ValidatedPemMirror::RefreshResult::kUnchanged || observer_ == nullptr) {
    return;
  }
  observer_(mirror.sources().listener, result == ValidatedPemMirror::RefreshResult::kPublished);
}

}  // namespace hubgate::services
