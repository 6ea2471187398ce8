// The configuration's entry points: defaults, loading a file, and FinalizeConfig's three steps
// (environment, key files, validation). The YAML sections are read by config_yaml.cc.
#include "gateway/ops/config.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/ops/config_environment.h"
#include "gateway/ops/config_validation.h"
#include "gateway/ops/listen_address.h"
#include "gateway/ops/push_api_config.h"
#include "gateway/ops/unsupported_settings.h"
#include "hubcore/file_text.h"

namespace hubgate::gateway {

namespace {

// auth.rs256_public_key_file becomes rs256_public_key_pem (the authenticator takes PEM text).
absl::Status ReadKeyFiles(AuthConfig& auth) {
  if (auth.rs256_public_key_file.empty()) return absl::OkStatus();
  absl::StatusOr<std::string> pem = hubcore::ReadFileText(auth.rs256_public_key_file);
  if (!pem.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("auth.rs256_public_key_file: ", pem.status().message()));
  }
  if (!auth.rs256_public_key_pem.empty() && auth.rs256_public_key_pem != *pem) {
    return absl::InvalidArgumentError(
        "auth: set rs256_public_key_file or rs256_public_key_pem, not both");
  }
  auth.rs256_public_key_pem = *std::move(pem);
  return absl::OkStatus();
}

}  // namespace

GatewayConfig DefaultConfig() {
  GatewayConfig config;
  hubcore::HubOptions posts;
  posts.name = "posts";
  posts.path = "/hubs/posts";
  config.hubs.push_back(std::move(posts));
  return config;
}

absl::StatusOr<GatewayConfig> LoadConfigFile(const std::string& path) {
  absl::StatusOr<std::string> text = hubcore::ReadFileText(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<GatewayConfig> config = ParseConfigYaml(*text);
  if (!config.ok()) {
    return absl::Status(config.status().code(),
                        absl::StrCat(path, ": ", config.status().message()));
  }
  return config;
}

absl::Status FinalizeConfig(GatewayConfig& config) {
  if (absl::Status s = ApplyEnvironmentOverrides(config); !s.ok()) return s;
  if (absl::Status s = ReadKeyFiles(config.auth); !s.ok()) return s;
  if (absl::Status s = ValidateConfig(config); !s.ok()) return s;
  // ":50051" means all interfaces, as for the other listeners, but gRPC refuses an empty host.
  absl::StatusOr<std::string> grpc_listen = GrpcListenAddress(config.grpc_listen);
  if (!grpc_listen.ok()) return grpc_listen.status();  // unreachable: validated above
  config.grpc_listen = *std::move(grpc_listen);
  // Refused Redis settings, the Push API's keys and TLS files, then the backplane.
  if (absl::Status s = RejectUnsupportedEnvironment(); !s.ok()) return s;
  if (absl::Status s = FinalizePushApiConfig(config); !s.ok()) return s;
  return FinalizeBackplaneConfig(config);
}

}  // namespace hubgate::gateway
