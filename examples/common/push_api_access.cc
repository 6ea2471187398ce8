#include "examples/common/push_api_access.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"

ABSL_FLAG(std::string, push_api_key, "",
          "API key for the gateway's Push API (default: environment HUBGATE_PUSH_API_KEY)");
ABSL_FLAG(std::string, push_api_ca_file, "",
          "PEM CA that signed the gateway's Push API certificate: connect with TLS");
ABSL_FLAG(std::string, push_api_cert_file, "",
          "PEM client certificate for a Push API that requires mTLS (with --push_api_key_file)");
ABSL_FLAG(std::string, push_api_key_file, "", "PEM private key of --push_api_cert_file");

namespace hubgate::examples {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("--", flag, ": cannot open ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

absl::StatusOr<PushApiAccess> PushApiAccessFromFlags() {
  PushApiAccess access;
  access.api_key = absl::GetFlag(FLAGS_push_api_key);
  if (const char* env = std::getenv("HUBGATE_PUSH_API_KEY"); access.api_key.empty() && env) {
    access.api_key = env;
  }
  const std::string ca_file = absl::GetFlag(FLAGS_push_api_ca_file);
  if (ca_file.empty()) return access;
  grpc::SslCredentialsOptions tls;
  absl::StatusOr<std::string> ca = ReadPem("push_api_ca_file", ca_file);
  if (!ca.ok()) return ca.status();
  tls.pem_root_certs = *std::move(ca);
  if (const std::string cert_file = absl::GetFlag(FLAGS_push_api_cert_file); !cert_file.empty()) {
    absl::StatusOr<std::string> cert = ReadPem("push_api_cert_file", cert_file);
    if (!cert.ok()) return cert.status();
    absl::StatusOr<std::string> key =
        ReadPem("push_api_key_file", absl::GetFlag(FLAGS_push_api_key_file));
    if (!key.ok()) return key.status();
    tls.pem_cert_chain = *std::move(cert);
    tls.pem_private_key = *std::move(key);
  }
  access.credentials = grpc::SslCredentials(tls);
  return access;
}

void AddApiKey(const PushApiAccess& access, grpc::ClientContext& context) {
  if (!access.api_key.empty()) context.AddMetadata("authorization", "Bearer " + access.api_key);
}

}  // namespace hubgate::examples
