#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <string>
#include <vector>

#include "absl/status/status.h"

// The backplane section of the configuration (docs/configuration.md, docs/scale-out.md): how
// the replicas of one cluster reach each other through Redis. Kept apart from config_yaml.cc
// and config_validation.cc, which call into it.
namespace hubgate::gateway {

struct BackplaneConfig {
  // "redis" turns the backplane on; empty: a single in-memory gateway.
  std::string type;
  // host:port. A single Redis: the first; a Redis Cluster: seed nodes.
  std::vector<std::string> addresses;
  bool cluster = false;
  // Every channel name starts with it (several clusters may share one Redis).
  std::string channel_prefix = "hubgate";
  std::string user;      // Redis ACL user; empty: AUTH with the password alone
  std::string password;  // empty: no AUTH; env HUBGATE_BACKPLANE_PASSWORD
  // Signs connection tokens, so that any replica accepts a token another one issued; the same
  // on every replica, at least 32 bytes. Env HUBGATE_BACKPLANE_TOKEN_SECRET.
  std::string token_secret;
  // host:port where the other replicas reach this replica's HTTP listener (requests for a
  // connection this replica holds are forwarded there). Empty: the bound HTTP address, when
  // http.listen names a host.
  std::string advertise_address;
  // This replica's name on the backplane; empty: random at each start.
  std::string replica_id;
  // How long a replica waits for another's answer (group changes, locating a connection).
  std::chrono::milliseconds request_timeout{5000};

  bool enabled() const { return !type.empty(); }
};

inline constexpr size_t kMinTokenSecretBytes = 32;

struct GatewayConfig;

// Reads `backplane` from the document root into config.backplane and removes it from `root`.
// Errors name the key and its line.
absl::Status ParseBackplaneYaml(YAML::Node& root, GatewayConfig& config);

// HUBGATE_BACKPLANE_* overrides, then the rules: type redis, addresses host:port, a token
// secret of at least 32 bytes, a valid channel prefix, an advertise address that can be derived.
absl::Status FinalizeBackplaneConfig(GatewayConfig& config);

}  // namespace hubgate::gateway
