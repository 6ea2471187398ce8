#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "gateway/ops/config.h"

namespace hubgate::gateway {

// The server certificate of one HTTP listener (http.tls or admin.tls). Reload() re-reads the
// PEM files and, when their contents changed, builds a new TLS context that every connection
// accepted from then on uses; established connections keep the context they were accepted
// with (each of their OpenSSL objects holds a reference to it), so nothing is dropped. A
// reload that fails (a half-written file, a key that does not match the certificate) keeps the
// current context and is reported again only when the files change again. Thread-safe.
class TlsContextProvider {
 public:
  using Context = boost::asio::ssl::context;

  // Loads the files; an error names the listener, the file and what is wrong with it.
  static absl::StatusOr<std::unique_ptr<TlsContextProvider>> Create(std::string listener,
                                                                    ListenerTlsConfig files);

  // For a new connection.
  std::shared_ptr<Context> Current() const;

  enum class ReloadOutcome { kUnchanged, kReloaded, kFailed };
  // Re-reads the files (called once a second, and on SIGHUP); logs what happened.
  ReloadOutcome Reload();

  const std::string& listener() const { return listener_; }
  // The current certificate's notAfter, for hubgate_tls_certificate_expiry_timestamp_seconds.
  std::chrono::system_clock::time_point certificate_not_after() const;

 private:
  struct Loaded {
    std::string certificate_pem;
    std::string key_pem;
    std::shared_ptr<Context> context;
    std::chrono::system_clock::time_point not_after;
  };
  TlsContextProvider(std::string listener, ListenerTlsConfig files, Loaded loaded);
  // Reads both files; the status names the file that could not be read.
  static absl::Status ReadFiles(const ListenerTlsConfig& files, std::string& certificate_pem,
                                std::string& key_pem);
  static absl::StatusOr<Loaded> Build(const std::string& listener, std::string certificate_pem,
                                      std::string key_pem);

  const std::string listener_;
  const ListenerTlsConfig files_;
  mutable absl::Mutex mutex_;
  Loaded current_ ABSL_GUARDED_BY(mutex_);
  // The files' contents (or the read error) of the last failed attempt: one bad state is
  // logged once, not once a second.
  std::string failed_state_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace hubgate::gateway
