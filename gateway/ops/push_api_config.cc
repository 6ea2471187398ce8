#include "gateway/ops/push_api_config.h"

#include <cstdlib>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/ops/listen_address.h"
#include "gateway/ops/yaml_fields.h"
#include "hubcore/file_text.h"
#include "hubcore/push_api_options.h"

namespace hubgate::gateway {
namespace {

using yaml_fields::ForEachKey;
using yaml_fields::KeyError;
using yaml_fields::ReadBool;
using yaml_fields::ReadString;
using yaml_fields::ReadStringList;

absl::Status ParseKey(const YAML::Node& node, const std::string& path,
                      hubcore::PushApiKeyOptions& key) {
  return ForEachKey(
      node, path, {"name", "key", "key_file", "hubs", "operations"},
      [&](std::string_view name, const YAML::Node& value, const std::string& p) {
        if (name == "name") return ReadString(value, p, key.name);
        if (name == "key") return ReadString(value, p, key.key);
        if (name == "key_file") return ReadString(value, p, key.key_file);
        if (name == "hubs") {
          return ReadStringList(value, p, "expected a list of hub names",
                                "expected a non-empty hub name", key.hubs);
        }
        if (absl::Status s = ReadStringList(value, p, "expected a list of operations",
                                            "expected an operation", key.operations);
            !s.ok()) {
          return s;
        }
        for (const std::string& operation : key.operations) {
          bool known = false;
          for (std::string_view candidate : hubcore::kPushApiOperationNames) {
            known = known || candidate == operation;
          }
          if (!known) {
            return KeyError(p, value,
                            absl::StrCat("unknown operation '", operation,
                                         "' (expected send, membership, client_results or "
                                         "management)"));
          }
        }
        return absl::OkStatus();
      });
}

absl::Status ParseTls(const YAML::Node& node, const std::string& path,
                      hubcore::PushApiTlsOptions& tls) {
  return ForEachKey(node, path, {"cert_file", "key_file", "client_ca_file"},
                    [&](std::string_view name, const YAML::Node& value, const std::string& p) {
                      if (name == "cert_file") return ReadString(value, p, tls.cert_file);
                      if (name == "key_file") return ReadString(value, p, tls.key_file);
                      return ReadString(value, p, tls.client_ca_file);
                    });
}

absl::Status ParsePushApi(const YAML::Node& node, hubcore::PushApiOptions& push_api) {
  return ForEachKey(
      node, "push_api", {"keys", "tls", "allow_unauthenticated_remote"},
      [&](std::string_view name, const YAML::Node& value, const std::string& path) {
        if (name == "allow_unauthenticated_remote") {
          return ReadBool(value, path, push_api.allow_unauthenticated_remote);
        }
        if (name == "tls") return ParseTls(value, path, push_api.tls);
        if (!value.IsSequence()) return KeyError(path, value, "expected a list of keys");
        push_api.keys.clear();
        for (size_t i = 0; i < value.size(); ++i) {
          hubcore::PushApiKeyOptions key;
          if (absl::Status s = ParseKey(value[i], absl::StrCat(path, "[", i, "]"), key);
              !s.ok()) {
            return s;
          }
          push_api.keys.push_back(std::move(key));
        }
        return absl::OkStatus();
      });
}

absl::Status ValidateKeys(const GatewayConfig& config) {
  absl::flat_hash_set<std::string> hub_names;
  for (const auto& hub : config.hubs) hub_names.insert(hub.name);
  absl::flat_hash_set<std::string> key_names;
  for (size_t i = 0; i < config.push_api.keys.size(); ++i) {
    const hubcore::PushApiKeyOptions& key = config.push_api.keys[i];
    auto fail = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("push_api.keys[", i, "]: ", what));
    };
    if (key.name.empty()) return fail("name must not be empty (it names the key in logs)");
    if (!key_names.insert(key.name).second) {
      return fail(absl::StrCat("duplicate key name '", key.name, "'"));
    }
    if (key.key.empty() == key.key_file.empty()) {
      return fail(absl::StrCat("key '", key.name, "' needs exactly one of key and key_file"));
    }
    if (!key.key_file.empty()) {
      absl::StatusOr<std::string> text = hubcore::ReadFileText(key.key_file);
      if (!text.ok()) return fail(absl::StrCat("cannot open key_file ", key.key_file));
      if (absl::StripAsciiWhitespace(*text).empty()) {
        return fail(absl::StrCat("key_file ", key.key_file, " is empty"));
      }
    }
    for (const std::string& hub : key.hubs) {
      if (!hub_names.contains(hub)) {
        return fail(absl::StrCat("key '", key.name, "' names hub '", hub,
                                 "', which is not configured"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateTls(const hubcore::PushApiTlsOptions& tls) {
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError("push_api.tls: set both cert_file and key_file");
  }
  if (tls.mutual() && !tls.enabled()) {
    return absl::InvalidArgumentError(
        "push_api.tls.client_ca_file: needs cert_file and key_file (mutual TLS is TLS)");
  }
  for (const auto& [name, path] : {std::pair{"cert_file", &tls.cert_file},
                                   std::pair{"key_file", &tls.key_file},
                                   std::pair{"client_ca_file", &tls.client_ca_file}}) {
    if (!path->empty() && !hubcore::ReadFileText(*path).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("push_api.tls.", name, ": cannot open ", *path));
    }
  }
  return absl::OkStatus();
}

// 127.0.0.0/8, ::1 and localhost: only processes on this host can connect.
bool IsLoopbackHost(absl::string_view host) {
  return absl::StartsWith(host, "127.") || host == "::1" || host == "[::1]" ||
         absl::EqualsIgnoreCase(host, "localhost");
}

}  // namespace

absl::Status ParsePushApiYaml(YAML::Node& root, GatewayConfig& config) {
  if (!root.IsMap() || !root["push_api"]) return absl::OkStatus();
  if (absl::Status s = ParsePushApi(root["push_api"], config.push_api); !s.ok()) return s;
  root.remove("push_api");
  return absl::OkStatus();
}

absl::Status FinalizePushApiConfig(GatewayConfig& config) {
  if (const char* key = std::getenv("HUBGATE_PUSH_API_KEY"); key != nullptr && *key != '\0') {
    hubcore::PushApiKeyOptions from_environment;
    from_environment.name = "env";
    from_environment.key = key;
    config.push_api.keys.push_back(std::move(from_environment));
  }
  if (absl::Status s = ValidateKeys(config); !s.ok()) return s;
  return ValidateTls(config.push_api.tls);
}

std::string PushApiBindAddress(const GatewayConfig& config) {
  if (config.push_api.has_credentials() || config.push_api.allow_unauthenticated_remote) {
    return config.grpc_listen;
  }
  absl::StatusOr<ListenAddress> listen = SplitListenAddress(config.grpc_listen);
  if (!listen.ok() || IsLoopbackHost(listen->host)) return config.grpc_listen;
  return absl::StrCat("127.0.0.1:", listen->port);
}

}  // namespace hubgate::gateway
