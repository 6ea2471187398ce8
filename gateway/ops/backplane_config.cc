#include "gateway/ops/backplane_config.h"

#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gateway/ops/config.h"
#include "gateway/ops/listen_address.h"
#include "gateway/ops/yaml_fields.h"

namespace hubgate::gateway {

namespace {

using yaml_fields::ForEachKey;
using yaml_fields::KeyError;
using yaml_fields::ReadBool;
using yaml_fields::ReadDuration;
using yaml_fields::ReadString;
using yaml_fields::ReadStringList;

const char* GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

absl::Status ParseBackplane(const YAML::Node& node, BackplaneConfig& backplane) {
  return ForEachKey(
      node, "backplane",
      {"type", "addresses", "cluster", "channel_prefix", "user", "password", "token_secret",
       "advertise_address", "replica_id", "request_timeout"},
      [&](std::string_view key, const YAML::Node& value, const std::string& path) {
        if (key == "type") {
          if (absl::Status s = ReadString(value, path, backplane.type); !s.ok()) return s;
          if (backplane.type != "redis") return KeyError(path, value, "expected redis");
          return absl::OkStatus();
        }
        if (key == "addresses") {
          return ReadStringList(value, path, "expected a list of host:port",
                                "expected host:port", backplane.addresses);
        }
        if (key == "cluster") return ReadBool(value, path, backplane.cluster);
        if (key == "request_timeout") {
          return ReadDuration(value, path, backplane.request_timeout);
        }
        std::string& out = key == "channel_prefix"      ? backplane.channel_prefix
                           : key == "user"              ? backplane.user
                           : key == "password"          ? backplane.password
                           : key == "token_secret"      ? backplane.token_secret
                           : key == "advertise_address" ? backplane.advertise_address
                                                        : backplane.replica_id;
        return ReadString(value, path, out);
      });
}

absl::Status EnvError(absl::string_view name, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("environment ", name, ": ", what));
}

absl::Status ApplyBackplaneEnvironment(BackplaneConfig& backplane) {
  if (const char* v = GetEnv("HUBGATE_BACKPLANE_ADDRESSES")) {
    backplane.addresses.clear();
    for (absl::string_view item : absl::StrSplit(v, ',')) {
      item = absl::StripAsciiWhitespace(item);
      if (!item.empty()) backplane.addresses.emplace_back(item);
    }
    if (backplane.type.empty()) backplane.type = "redis";
  }
  if (const char* v = GetEnv("HUBGATE_BACKPLANE_CLUSTER")) {
    const std::string_view text(v);
    if (text != "true" && text != "false") {
      return EnvError("HUBGATE_BACKPLANE_CLUSTER", "expected true or false");
    }
    backplane.cluster = text == "true";
  }
  const std::pair<const char*, std::string*> strings[] = {
      {"HUBGATE_BACKPLANE_PASSWORD", &backplane.password},
      {"HUBGATE_BACKPLANE_TOKEN_SECRET", &backplane.token_secret},
      {"HUBGATE_BACKPLANE_ADVERTISE_ADDRESS", &backplane.advertise_address},
      {"HUBGATE_BACKPLANE_REPLICA_ID", &backplane.replica_id},
      {"HUBGATE_BACKPLANE_CHANNEL_PREFIX", &backplane.channel_prefix}};
  for (const auto& [name, field] : strings) {
    if (const char* v = GetEnv(name)) *field = v;
  }
  return absl::OkStatus();
}

bool IsWildcardHost(std::string_view host) {
  return host.empty() || host == "*" || host == "0.0.0.0" || host == "::";
}

absl::Status ValidateBackplane(const BackplaneConfig& backplane, const GatewayConfig& config) {
  if (backplane.addresses.empty()) {
    return absl::InvalidArgumentError(
        "backplane.addresses: at least one Redis address (host:port) is required");
  }
  for (const std::string& address : backplane.addresses) {
    absl::StatusOr<ListenAddress> parsed = SplitListenAddress(address);
    if (!parsed.ok() || parsed->port == 0 || IsWildcardHost(parsed->host)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "backplane.addresses: '", address, "' is not host:port of a Redis server"));
    }
  }
  if (backplane.token_secret.size() < kMinTokenSecretBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "backplane.token_secret: at least ", kMinTokenSecretBytes,
        " bytes are required, the same on every replica (it signs connection tokens; set "
        "HUBGATE_BACKPLANE_TOKEN_SECRET rather than writing it in the file)"));
  }
  if (!backplane.advertise_address.empty()) {
    absl::StatusOr<ListenAddress> parsed = SplitListenAddress(backplane.advertise_address);
    if (!parsed.ok() || parsed->port == 0 || IsWildcardHost(parsed->host)) {
      return absl::InvalidArgumentError(
          absl::StrCat("backplane.advertise_address: '", backplane.advertise_address,
                       "' is not a host:port the other replicas can connect to"));
    }
  } else {
    absl::StatusOr<ListenAddress> listen = SplitListenAddress(config.http_listen);
    if (!listen.ok() || IsWildcardHost(listen->host)) {
      return absl::InvalidArgumentError(
          "backplane.advertise_address: required when http.listen binds every interface: the "
          "host:port where the other replicas reach this one (e.g. the pod IP and HTTP port; "
          "env HUBGATE_BACKPLANE_ADVERTISE_ADDRESS)");
    }
  }
  for (const char c : backplane.replica_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' &&
        c != '.') {
      return absl::InvalidArgumentError(absl::StrCat(
          "backplane.replica_id: '", backplane.replica_id,
          "' may contain only letters, digits, '-', '_' and '.'"));
    }
  }
  if (backplane.replica_id.size() > 128) {
    return absl::InvalidArgumentError("backplane.replica_id: at most 128 characters");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseBackplaneYaml(YAML::Node& root, GatewayConfig& config) {
  if (!root.IsMap() || !root["backplane"]) return absl::OkStatus();
  const YAML::Node node = root["backplane"];
  if (absl::Status s = ParseBackplane(node, config.backplane); !s.ok()) return s;
  if (config.backplane.type.empty()) {
    return KeyError("backplane.type", node, "required (redis)");
  }
  root.remove("backplane");
  return absl::OkStatus();
}

absl::Status FinalizeBackplaneConfig(GatewayConfig& config) {
  if (absl::Status s = ApplyBackplaneEnvironment(config.backplane); !s.ok()) return s;
  if (!config.backplane.enabled()) return absl::OkStatus();
  return ValidateBackplane(config.backplane, config);
}

}  // namespace hubgate::gateway
