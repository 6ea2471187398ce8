// ParseConfigYaml: the YAML file's sections, read over the defaults. Hub entries are read by
// hub_config_yaml.cc; the environment and the cross-field rules come later, in FinalizeConfig.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <exception>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gateway/ops/backplane_config.h"
#include "gateway/ops/config.h"
#include "gateway/ops/config_rules.h"
#include "gateway/ops/trusted_proxies.h"
#include "gateway/ops/hub_config_yaml.h"
#include "gateway/ops/push_api_config.h"
#include "gateway/ops/unsupported_settings.h"
#include "gateway/ops/yaml_fields.h"

namespace hubgate::gateway {

namespace {

using yaml_fields::ForEachKey;
using yaml_fields::KeyError;
using yaml_fields::ReadDuration;
using yaml_fields::ReadInt;
using yaml_fields::ReadNonNegativeDuration;
using yaml_fields::ReadString;
using yaml_fields::ReadStringList;

using ListenCheck = absl::Status (*)(std::string_view);

absl::Status ReadListen(const YAML::Node& node, const std::string& path, ListenCheck check,
                        std::string& out) {
  if (absl::Status s = ReadString(node, path, out); !s.ok()) return s;
  if (absl::Status s = check(out); !s.ok()) return KeyError(path, node, s.message());
  return absl::OkStatus();
}

absl::Status ParseCors(const YAML::Node& node, CorsConfig& cors) {
  return ForEachKey(
      node, "cors", {"allowed_origins", "max_age"},
      [&](std::string_view key, const YAML::Node& value, const std::string& path) {
        if (key == "max_age") {
          std::chrono::milliseconds max_age{};
          if (absl::Status s = ReadDuration(value, path, max_age); !s.ok()) return s;
          cors.max_age = std::chrono::duration_cast<std::chrono::seconds>(max_age);
          return absl::OkStatus();
        }
        return ReadStringList(value, path, "expected a list of origins",
                              "expected an origin such as https://app.example",
                              cors.allowed_origins);
      });
}

absl::Status ParseLimits(const YAML::Node& node, LimitsConfig& limits) {
  return ForEachKey(
      node, "limits",
      {"request_header_timeout", "max_unclaimed_negotiations_per_hub",
       "max_unclaimed_negotiations_per_address", "max_connections", "max_connections_per_user",
       "connection_rate_per_address", "connection_burst_per_address",
       "partial_message_timeout", "trusted_proxies"},
      [&](std::string_view key, const YAML::Node& value, const std::string& path) {
        if (key == "trusted_proxies") {
          if (absl::Status s = ReadStringList(value, path, "expected a list of proxies",
                                              "an IP address or network", limits.trusted_proxies);
              !s.ok()) {
            return s;
          }
          if (auto parsed = TrustedProxies::Parse(limits.trusted_proxies); !parsed.ok()) {
            return KeyError(path, value, parsed.status().message());
          }
          return absl::OkStatus();
        }
        if (key == "request_header_timeout") {
          return ReadDuration(value, path, limits.request_header_timeout);
        }
        if (key == "partial_message_timeout") {
          return ReadDuration(value, path, limits.partial_message_timeout);
        }
        int64_t& out = key == "max_unclaimed_negotiations_per_hub"
                           ? limits.max_unclaimed_negotiations_per_hub
                       : key == "max_unclaimed_negotiations_per_address"
                           ? limits.max_unclaimed_negotiations_per_address
                       : key == "max_connections"          ? limits.max_connections
                       : key == "max_connections_per_user" ? limits.max_connections_per_user
                       : key == "connection_rate_per_address"
                           ? limits.connection_rate_per_address
                           : limits.connection_burst_per_address;
        return ReadInt(value, path, 0, int64_t{1} << 40,
                       "expected a non-negative integer (0 = no limit)", out);
      });
}

absl::Status ParseAuth(const YAML::Node& node, AuthConfig& auth) {
  return ForEachKey(
      node, "auth",
      {"hs256_secret", "rs256_public_key_file", "rs256_public_key_pem", "user_id_claims", "issuer",
       "audience", "clock_skew"},
      [&](std::string_view key, const YAML::Node& value, const std::string& path) {
        if (key == "hs256_secret") return ReadString(value, path, auth.hs256_secret);
        if (key == "rs256_public_key_file") {
          return ReadString(value, path, auth.rs256_public_key_file);
        }
        if (key == "rs256_public_key_pem") {
          return ReadString(value, path, auth.rs256_public_key_pem);
        }
        if (key == "issuer") return ReadString(value, path, auth.issuer);
        if (key == "audience") return ReadString(value, path, auth.audience);
        if (key == "clock_skew") return ReadNonNegativeDuration(value, path, auth.clock_skew);
        return ReadStringList(value, path, "expected a list of claim names",
                              "expected a non-empty claim name", auth.user_id_claims);
      });
}

absl::Status ParseLog(const YAML::Node& node, const std::string& path, GatewayConfig& config) {
  return ForEachKey(node, path, {"level", "format"},
                    [&](std::string_view key, const YAML::Node& value, const std::string& p) {
                      if (key == "format") {
                        if (absl::Status s = ReadString(value, p, config.log_format); !s.ok()) {
                          return s;
                        }
                        if (!config_rules::IsLogFormat(config.log_format)) {
                          return KeyError(p, value, "expected text or json");
                        }
                        return absl::OkStatus();
                      }
                      if (absl::Status s = ReadString(value, p, config.log_level); !s.ok()) {
                        return s;
                      }
                      if (!config_rules::IsLogLevel(config.log_level)) {
                        return KeyError(p, value, "expected trace, debug, info, warn or error");
                      }
                      return absl::OkStatus();
                    });
}

absl::Status ParseListenerTls(const YAML::Node& node, const std::string& path,
                              ListenerTlsConfig& tls) {
  return ForEachKey(node, path, {"cert_file", "key_file"},
                    [&](std::string_view key, const YAML::Node& value, const std::string& p) {
                      return ReadString(value, p,
                                        key == "cert_file" ? tls.cert_file : tls.key_file);
                    });
}

// The three listeners' sections: http (listen, static_dir, tls), grpc (listen) and admin
// (listen, tls).
absl::Status ParseListeners(std::string_view section, const YAML::Node& node,
                            const std::string& path, GatewayConfig& config) {
  if (section == "http") {
    return ForEachKey(node, path, {"listen", "static_dir", "tls"},
                      [&](std::string_view key, const YAML::Node& value, const std::string& p) {
                        if (key == "static_dir") return ReadString(value, p, config.static_dir);
                        if (key == "tls") return ParseListenerTls(value, p, config.http_tls);
                        return ReadListen(value, p, config_rules::CheckBindAddress,
                                          config.http_listen);
                      });
  }
  if (section == "grpc") {
    return ForEachKey(node, path, {"listen"},
                      [&](std::string_view, const YAML::Node& value, const std::string& p) {
                        return ReadListen(value, p, config_rules::CheckGrpcAddress,
                                          config.grpc_listen);
                      });
  }
  return ForEachKey(node, path, {"listen", "tls"},
                    [&](std::string_view key, const YAML::Node& value, const std::string& p) {
                      if (key == "tls") return ParseListenerTls(value, p, config.admin_tls);
                      if (value.IsScalar() && value.Scalar().empty()) {
                        config.admin_listen.clear();  // "" turns the endpoint off
                        return absl::OkStatus();
                      }
                      return ReadListen(value, p, config_rules::CheckBindAddress,
                                        config.admin_listen);
                    });
}

absl::Status ParseHubs(const YAML::Node& node, const std::string& path,
                       std::vector<hubcore::HubOptions>& hubs) {
  if (!node.IsSequence()) return KeyError(path, node, "expected a list of hubs");
  hubs.clear();
  for (size_t i = 0; i < node.size(); ++i) {
    hubcore::HubOptions hub;
    if (absl::Status s = ParseHubYaml(node[i], absl::StrCat("hubs[", i, "]"), hub); !s.ok()) {
      return s;
    }
    hubs.push_back(std::move(hub));
  }
  return absl::OkStatus();
}

absl::Status ParseRoot(const YAML::Node& root, GatewayConfig& config) {
  return ForEachKey(
      root, "",
      {"http", "grpc", "admin", "workers", "log", "shutdown", "port_file", "auth", "cors",
       "limits",
       "hubs"},
      [&](std::string_view key, const YAML::Node& value, const std::string& path) {
        if (key == "http" || key == "grpc" || key == "admin") {
          return ParseListeners(key, value, path, config);
        }
        if (key == "log") return ParseLog(value, path, config);
        if (key == "shutdown") {
          return ForEachKey(value, path, {"drain_window", "deadline"},
                            [&](std::string_view k, const YAML::Node& v, const std::string& p) {
                              return ReadDuration(v, p,
                                                  k == "deadline" ? config.shutdown.deadline
                                                                  : config.shutdown.drain_window);
                            });
        }
        if (key == "workers") {
          int64_t workers = 0;
          if (absl::Status s =
                  ReadInt(value, path, 0, config_rules::kMaxWorkers,
                          "expected an integer in 0..256 (0 = hardware threads)", workers);
              !s.ok()) {
            return s;
          }
          config.workers = static_cast<int>(workers);
          return absl::OkStatus();
        }
        if (key == "port_file") return ReadString(value, path, config.port_file);
        if (key == "auth") return ParseAuth(value, config.auth);
        if (key == "cors") return ParseCors(value, config.cors);
        if (key == "limits") return ParseLimits(value, config.limits);
        return ParseHubs(value, path, config.hubs);
      });
}

}  // namespace

absl::StatusOr<GatewayConfig> ParseConfigYaml(std::string_view yaml_text) {
  GatewayConfig config = DefaultConfig();
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    if (root.IsNull()) return config;  // an empty document means all defaults
    // Sections read outside ParseRoot (push_api is removed from `sections`, which shares root).
    YAML::Node sections = root;
    if (absl::Status s = RejectUnsupportedYaml(sections); !s.ok()) return s;
    if (absl::Status s = ParsePushApiYaml(sections, config); !s.ok()) return s;
    if (absl::Status s = ParseBackplaneYaml(sections, config); !s.ok()) return s;
    if (absl::Status s = ParseRoot(root, config); !s.ok()) return s;
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return absl::InvalidArgumentError(absl::StrCat("YAML error: ", e.msg));
    return absl::InvalidArgumentError(absl::StrFormat("YAML error (line %d, column %d): %s",
                                                      e.mark.line + 1, e.mark.column + 1, e.msg));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("YAML error: ", e.what()));
  }
  return config;
}

}  // namespace hubgate::gateway
