#include "gateway/ops/tls_context_provider.h"

#include <utility>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "absl/strings/str_cat.h"
#include "hubcore/file_text.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

namespace {

namespace ssl = boost::asio::ssl;

std::chrono::system_clock::time_point NotAfter(SSL_CTX* context) {
  X509* certificate = SSL_CTX_get0_certificate(context);
  struct tm expiry = {};
  if (certificate == nullptr || ASN1_TIME_to_tm(X509_get0_notAfter(certificate), &expiry) != 1) {
    return {};
  }
  return std::chrono::system_clock::from_time_t(timegm(&expiry));
}

}  // namespace

TlsContextProvider::TlsContextProvider(std::string listener, ListenerTlsConfig files,
                                       Loaded loaded)
    : listener_(std::move(listener)), files_(std::move(files)), current_(std::move(loaded)) {}

absl::Status TlsContextProvider::ReadFiles(const ListenerTlsConfig& files,
                                           std::string& certificate_pem, std::string& key_pem) {
  absl::StatusOr<std::string> certificate = hubcore::ReadFileText(files.cert_file);
  if (!certificate.ok()) return certificate.status();
  absl::StatusOr<std::string> key = hubcore::ReadFileText(files.key_file);
  if (!key.ok()) return key.status();
  certificate_pem = *std::move(certificate);
  key_pem = *std::move(key);
  return absl::OkStatus();
}

absl::StatusOr<TlsContextProvider::Loaded> TlsContextProvider::Build(
    const std::string& listener, std::string certificate_pem, std::string key_pem) {
  auto context = std::make_shared<Context>(Context::tls_server);
  boost::system::error_code ec;
  // TLS 1.2 and 1.3 only (what browsers still speak); OpenSSL's default ciphers for them.
  context->set_options(Context::default_workarounds | Context::no_sslv2 | Context::no_sslv3 |
                           Context::no_tlsv1 | Context::no_tlsv1_1 | Context::single_dh_use,
                       ec);
  auto fail = [&](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(listener, ".tls: ", what, ": ", ec.message()));
  };
  if (ec) return fail("cannot set options");
  context->use_certificate_chain(boost::asio::buffer(certificate_pem), ec);
  if (ec) return fail("cert_file is not a usable PEM certificate chain");
  context->use_private_key(boost::asio::buffer(key_pem), Context::pem, ec);
  if (ec) return fail("key_file is not a usable PEM private key for that certificate");
  if (SSL_CTX_check_private_key(context->native_handle()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat(listener, ".tls: key_file does not match the certificate in cert_file"));
  }
  Loaded loaded;
  loaded.not_after = NotAfter(context->native_handle());
  loaded.certificate_pem = std::move(certificate_pem);
  loaded.key_pem = std::move(key_pem);
  loaded.context = std::move(context);
  return loaded;
}

absl::StatusOr<std::unique_ptr<TlsContextProvider>> TlsContextProvider::Create(
    std::string listener, ListenerTlsConfig files) {
  std::string certificate_pem;
  std::string key_pem;
  if (absl::Status s = ReadFiles(files, certificate_pem, key_pem); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(listener, ".tls: ", s.message()));
  }
  absl::StatusOr<Loaded> loaded = Build(listener, std::move(certificate_pem), std::move(key_pem));
  if (!loaded.ok()) return loaded.status();
  return std::unique_ptr<TlsContextProvider>(
      new TlsContextProvider(std::move(listener), std::move(files), *std::move(loaded)));
}

std::shared_ptr<TlsContextProvider::Context> TlsContextProvider::Current() const {
  absl::MutexLock lock(&mutex_);
  return current_.context;
}

std::chrono::system_clock::time_point TlsContextProvider::certificate_not_after() const {
  absl::MutexLock lock(&mutex_);
  return current_.not_after;
}

TlsContextProvider::ReloadOutcome TlsContextProvider::Reload() {
  std::string certificate_pem;
  std::string key_pem;
  absl::Status read = ReadFiles(files_, certificate_pem, key_pem);
  absl::MutexLock lock(&mutex_);
  if (read.ok() && certificate_pem == current_.certificate_pem && key_pem == current_.key_pem) {
    failed_state_.clear();
    return ReloadOutcome::kUnchanged;
  }
  // What failed last time, in a form that changes with the files: logged once, not per poll.
  std::string state = read.ok() ? absl::StrCat(certificate_pem, key_pem) : read.ToString();
  if (state == failed_state_) {
    return ReloadOutcome::kUnchanged;
  }
  absl::StatusOr<Loaded> loaded = read.ok() ? Build(listener_, std::move(certificate_pem),
                                                    std::move(key_pem))
                                            : absl::StatusOr<Loaded>(read);
  if (!loaded.ok()) {
    failed_state_ = std::move(state);
    spdlog::error("{}.tls: certificate not reloaded, still serving the previous one: {}",
                  listener_, std::string(loaded.status().message()));
    return ReloadOutcome::kFailed;
  }
  current_ = *std::move(loaded);
  failed_state_.clear();
  spdlog::info("{}.tls: certificate reloaded from {}; new connections use it", listener_,
               files_.cert_file);
  return ReloadOutcome::kReloaded;
}

}  // namespace hubgate::gateway
