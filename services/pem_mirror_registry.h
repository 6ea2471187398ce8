#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/validated_pem_mirror.h"

namespace hubgate::services {

// Told about every changed set a refresh round read: `listener` is PemSourceSet::listener,
// `reloaded` false when the set was refused (the previous one stays). The gateway counts them
// in hubgate_tls_certificate_reloads_total. Called on the registry's thread.
using PemReloadObserver = std::function<void(std::string_view listener, bool reloaded)>;

// Where gRPC reads a mirrored set (ValidatedPemMirror): empty for an unconfigured file.
struct MirroredPemPaths {
  std::string certificate;
  std::string key;
  std::string ca;
};

// The process's ValidatedPemMirrors and the one thread (started with the first mirror) that
// refreshes them all every `interval`. gRPC keeps watching a provider's files for as long as
// the server or channel lives, beyond the credentials object the callers hold, so a mirror
// lives until the registry goes (at exit for Instance()). Asking again for the same set returns
// the same mirror, so the count is bounded by the configuration, not by the calls.
class PemMirrorRegistry {
 public:
  // Mirrors in a private directory under $TMPDIR (or /tmp), refreshed every
  // kPemMirrorCheckInterval (services/certificate_files.h); destroyed at exit.
  static PemMirrorRegistry& Instance();

  PemMirrorRegistry(std::string parent_directory, std::chrono::milliseconds interval);
  ~PemMirrorRegistry();  // stops the thread, then removes every mirror's directory
  PemMirrorRegistry(const PemMirrorRegistry&) = delete;
  PemMirrorRegistry& operator=(const PemMirrorRegistry&) = delete;

  // The mirror of `sources`: made (files checked, errors as ValidatedPemMirror::Create's) or,
  // when it exists, refreshed now.
  absl::StatusOr<MirroredPemPaths> Mirror(const PemSourceSet& sources);

  // Replaces the observer (nullptr: none); it must outlive the registry or be reset first.
  void SetReloadObserver(PemReloadObserver observer);

 private:
  void RefreshUntilStopped();
  void Refresh(ValidatedPemMirror& mirror) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const std::string parent_directory_;
  const std::chrono::milliseconds interval_;
  absl::Mutex mutex_;
  std::vector<std::unique_ptr<ValidatedPemMirror>> mirrors_ ABSL_GUARDED_BY(mutex_);
  PemReloadObserver observer_ ABSL_GUARDED_BY(mutex_);
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  std::thread thread_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace hubgate::services
