#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hubgate::services {

// One configured PEM file: the setting that names it in messages and its path (empty: unused).
struct PemSource {
  std::string setting;  // "push_api.tls.cert_file", "hub 'posts': backend_tls.ca_file", ...
  std::string path;

  friend bool operator==(const PemSource&, const PemSource&) = default;
};

// The files one gRPC certificate provider reads: an identity (certificate chain and key, both
// or neither) and a CA bundle (optional). `name` ("push_api.tls") heads the log lines;
// `listener` ("push_api", "backend:posts") labels the reload metric.
struct PemSourceSet {
  std::string name;
  PemSource certificate;
  PemSource key;
  PemSource ca;
  std::string listener;

  friend bool operator==(const PemSourceSet&, const PemSourceSet&) = default;
};

// The files larger than this are refused: a PEM bundle of a few hundred certificates fits.
inline constexpr size_t kMaxPemFileBytes = 1 << 20;

// A private copy of an operator's PEM files that only ever holds a set that passed the checks
// of services/pem_check.h. gRPC's FileWatcherCertificateProvider hands whatever it reads to the
// TLS stack, so a bad replacement (garbage, a new certificate whose key is not written yet, a
// deleted file) would fail every new handshake; pointed at the mirror instead, gRPC keeps the
// previous set until a good one arrives, as the HTTP listener does
// (gateway/ops/tls_context_provider).
//
// Layout: <directory>/v<N>/{cert,key,ca}.pem and the symlink <directory>/current -> v<N>, swapped
// with rename(2) (as Kubernetes updates a Secret volume), so every path below resolves into one
// complete set. Each version's files get a later modification time than the previous one's, so
// gRPC's before/after modification-time check retries a read that straddled a swap.
// Not thread-safe: one thread calls Refresh() (services/pem_mirror_registry.h).
class ValidatedPemMirror {
 public:
  enum class RefreshResult { kUnchanged, kPublished, kRejected };

  // Makes a private directory (mkdtemp, mode 0700) in `parent` and publishes the files into it.
  // InvalidArgument naming the setting and the file when they fail the checks; Internal when
  // the directory cannot be written.
  static absl::StatusOr<std::unique_ptr<ValidatedPemMirror>> Create(PemSourceSet sources,
                                                                    const std::string& parent);
  ~ValidatedPemMirror();  // removes the directory
  ValidatedPemMirror(const ValidatedPemMirror&) = delete;
  ValidatedPemMirror& operator=(const ValidatedPemMirror&) = delete;

  // Re-reads the configured files. A set that differs from the last one read is checked, then
  // published (kPublished) or refused with one error log line naming the setting and the file
  // (kRejected); the same bad set read again is kUnchanged and not logged again.
  RefreshResult Refresh();

  // What gRPC watches: <directory>/current/<name>.pem; empty for an unconfigured source.
  std::string certificate_path() const;
  std::string key_path() const;
  std::string ca_path() const;
  const std::string& directory() const { return directory_; }
  const PemSourceSet& sources() const { return sources_; }
  // The last refusal; OK when the published set is the one on disk.
  const absl::Status& last_rejection() const { return last_rejection_; }

 private:
  // One read of the configured files; a file that cannot be read holds its error.
  struct Snapshot {
    absl::StatusOr<std::string> certificate;
    absl::StatusOr<std::string> key;
    absl::StatusOr<std::string> ca;
    bool SameAs(const Snapshot& other) const;
  };

  ValidatedPemMirror(PemSourceSet sources, std::string directory);
  Snapshot Read() const;
  absl::Status Check(const Snapshot& snapshot) const;
  absl::Status Publish(const Snapshot& snapshot);
  std::string PathInCurrent(const PemSource& source, const char* file_name) const;

  PemSourceSet sources_;
  std::string directory_;
  std::optional<Snapshot> last_read_;
  absl::Status last_rejection_;
  int version_ = 0;
  std::time_t last_modification_time_ = 0;
};

}  // namespace hubgate::services
