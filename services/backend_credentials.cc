#include "services/backend_credentials.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "hubcore/file_text.h"
#include "services/certificate_files.h"
#include "services/pem_check.h"
#include "services/pem_mirror_registry.h"

namespace hubgate::services {
namespace {

absl::StatusOr<std::string> ReadPemFile(const std::string& hub, const char* key,
                                        const std::string& path) {
  absl::StatusOr<std::string> contents = hubcore::ReadFileText(path);
  if (!contents.ok() || contents->empty()) {
    return absl::InvalidArgumentError(absl::StrCat("hub '", hub, "': backend_tls.", key, " '",
                                                   path, "' cannot be read or is empty"));
  }
  return contents;
}

// `check`'s verdict on a file, as an error naming the hub, the key and the path.
absl::Status Named(const std::string& hub, const char* key, const std::string& path,
                   absl::Status check) {
  if (check.ok()) return check;
  return absl::InvalidArgumentError(
      absl::StrCat("hub '", hub, "': backend_tls.", key, " '", path, "' ", check.message()));
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> BackendCredentials(
    const hubcore::HubOptions& hub) {
  const hubcore::HubOptions::BackendTls& tls = hub.backend_tls;
  if (!tls.enabled()) {
    if (!tls.cert_file.empty() || !tls.key_file.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "hub '", hub.name, "': backend_tls.cert_file and key_file need backend_tls.ca_file"));
    }
    return grpc::InsecureChannelCredentials();
  }
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "hub '", hub.name, "': backend_tls.cert_file and backend_tls.key_file go together"));
  }
  // Checked here so that the start stops with an error naming the file.
  absl::StatusOr<std::string> ca = ReadPemFile(hub.name, "ca_file", tls.ca_file);
  if (!ca.ok()) return ca.status();
  absl::Status check = Named(hub.name, "ca_file", tls.ca_file, CheckCertificates(*ca));
  if (!check.ok()) return check;
  const bool client_certificate = !tls.cert_file.empty();
  if (client_certificate) {
    absl::StatusOr<std::string> cert = ReadPemFile(hub.name, "cert_file", tls.cert_file);
    if (!cert.ok()) return cert.status();
    check = Named(hub.name, "cert_file", tls.cert_file, CheckCertificates(*cert));
    if (!check.ok()) return check;
    absl::StatusOr<std::string> key = ReadPemFile(hub.name, "key_file", tls.key_file);
    if (!key.ok()) return key.status();
    check = Named(hub.name, "key_file", tls.key_file, CheckPrivateKey(*key));
    if (!check.ok()) return check;
    check = Named(hub.name, "key_file", tls.key_file, CheckKeyMatchesCertificate(*key, *cert));
    if (!check.ok()) return check;
  }
  // gRPC watches a copy that only ever holds a checked set: a bad replacement keeps the old one.
  const std::string setting = absl::StrCat("hub '", hub.name, "': backend_tls");
  PemSourceSet sources{setting,
                       {absl::StrCat(setting, ".cert_file"), tls.cert_file},
                       {absl::StrCat(setting, ".key_file"), tls.key_file},
                       {absl::StrCat(setting, ".ca_file"), tls.ca_file},
                       absl::StrCat("backend:", hub.name)};
  absl::StatusOr<MirroredPemPaths> mirrored = PemMirrorRegistry::Instance().Mirror(sources);
  if (!mirrored.ok()) return mirrored.status();
  auto files = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      mirrored->key, mirrored->certificate, mirrored->ca,
      static_cast<unsigned int>(kCertificateFileCheckInterval.count()));
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(files);
  options.watch_root_certs();
  if (client_certificate) {
    options.watch_identity_key_cert_pairs();
  }
  // As grpc::SslCredentials did: the certificate must name the host of backend_target.
  options.set_certificate_verifier(
      std::make_shared<grpc::experimental::HostNameCertificateVerifier>());
  return grpc::experimental::TlsCredentials(options);
}

}  // namespace hubgate::services
