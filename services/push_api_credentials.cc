#include "services/push_api_credentials.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_credentials_options.h"
#include "hubcore/file_text.h"
#include "services/certificate_files.h"
#include "services/pem_check.h"
#include "services/pem_mirror_registry.h"

namespace hubgate::services {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& key, const std::string& path) {
  absl::StatusOr<std::string> text = hubcore::ReadFileText(path);
  if (!text.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("push_api.tls.", key, ": cannot open ", path));
  }
  if (text->find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("push_api.tls.", key, ": ", path, " holds no PEM block"));
  }
  return text;
}

// `check`'s verdict on a file, as an error naming the key and the path.
absl::Status Named(const std::string& key, const std::string& path, absl::Status check) {
  if (check.ok()) return check;
  return absl::InvalidArgumentError(absl::StrCat("push_api.tls.", key, ": ", path, " ",
                                                 check.message()));
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> PushApiServerCredentials(
    const hubcore::PushApiTlsOptions& tls) {
  if (!tls.enabled()) {
    return grpc::InsecureServerCredentials();
  }
  // Checked here so that the start stops with an error naming the file.
  absl::StatusOr<std::string> cert = ReadPem("cert_file", tls.cert_file);
  if (!cert.ok()) return cert.status();
  absl::Status check = Named("cert_file", tls.cert_file, CheckCertificates(*cert));
  if (!check.ok()) return check;
  absl::StatusOr<std::string> key = ReadPem("key_file", tls.key_file);
  if (!key.ok()) return key.status();
  check = Named("key_file", tls.key_file, CheckPrivateKey(*key));
  if (!check.ok()) return check;
  check = Named("key_file", tls.key_file, CheckKeyMatchesCertificate(*key, *cert));
  if (!check.ok()) return check;
  if (tls.mutual()) {
    absl::StatusOr<std::string> ca = ReadPem("client_ca_file", tls.client_ca_file);
    if (!ca.ok()) return ca.status();
    check = Named("client_ca_file", tls.client_ca_file, CheckCertificates(*ca));
    if (!check.ok()) return check;
  }
  // gRPC watches a copy that only ever holds a checked set: a bad replacement keeps the old one.
  PemSourceSet sources{"push_api.tls",
                       {"push_api.tls.cert_file", tls.cert_file},
                       {"push_api.tls.key_file", tls.key_file},
                       {"push_api.tls.client_ca_file", tls.mutual() ? tls.client_ca_file : ""},
                       "push_api"};
  absl::StatusOr<MirroredPemPaths> mirrored = PemMirrorRegistry::Instance().Mirror(sources);
  if (!mirrored.ok()) return mirrored.status();
  auto files = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      mirrored->key, mirrored->certificate, mirrored->ca,
      static_cast<unsigned int>(kCertificateFileCheckInterval.count()));
  grpc::experimental::TlsServerCredentialsOptions options(files);
  options.watch_identity_key_cert_pairs();
  if (tls.mutual()) {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  } else {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  }
  return grpc::experimental::TlsServerCredentials(options);
}

}  // namespace hubgate::services
