#pragma once

#include <yaml-cpp/yaml.h>

#include "absl/status/status.h"
#include "gateway/ops/config.h"

// The push_api section of the configuration (docs/configuration.md, docs/security.md), kept
// apart from config_yaml.cc and config_validation.cc, which call into it.
namespace hubgate::gateway {

// Reads `push_api` from the document root into config.push_api and removes it from `root`, so
// the root parser's list of sections stays as it is. Errors name the key and its line.
absl::Status ParsePushApiYaml(YAML::Node& root, GatewayConfig& config);

// HUBGATE_PUSH_API_KEY (one full-access key named "env"), then the cross-field rules: unique
// non-empty names, key or key_file (readable, non-empty), known operations and hubs, TLS files
// in pairs.
absl::Status FinalizePushApiConfig(GatewayConfig& config);

// The address the Push API binds: grpc_listen, except that without any credential (no key, no
// mTLS) and without push_api.allow_unauthenticated_remote a non-loopback host becomes
// 127.0.0.1 (same port): an open Push API must not face the cluster network. Takes a
// finalized configuration.
std::string PushApiBindAddress(const GatewayConfig& config);

}  // namespace hubgate::gateway
