#include "gateway/ops/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hubgate::gateway {
namespace {

constexpr int kMaxWorkers = 256;

// "path (line N): what", or "path: what" when the node has no position.
absl::Status KeyError(absl::string_view path, const YAML::Node& node, absl::string_view what) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
  }
  return absl::InvalidArgumentError(absl::StrFormat("%s (line %d): %s", path, mark.line + 1, what));
}

// Empty when `listen` is "host:port" (host may be "[v6]"), else what is wrong with it.
std::string ListenProblem(absl::string_view listen) {
  const size_t colon = listen.rfind(':');
  if (colon == absl::string_view::npos || colon == 0) return "expected host:port";
  absl::string_view host = listen.substr(0, colon);
  if (host.front() == '[' ? host.back() != ']' || host.size() < 3
                          : host.find(':') != absl::string_view::npos) {
    return "expected host:port (bracket IPv6 hosts: [::]:8080)";
  }
  absl::string_view port = listen.substr(colon + 1);
  int value = 0;
  if (port.empty() || !absl::c_all_of(port, absl::ascii_isdigit) ||
      !absl::SimpleAtoi(port, &value) || value > 65535) {
    return "expected host:port with a port in 0..65535";
  }
  return "";
}

bool IsLogLevel(absl::string_view level) {
  return level == "trace" || level == "debug" || level == "info" || level == "warn" ||
         level == "error";
}

bool IsLogFormat(absl::string_view format) { return format == "text" || format == "json"; }

// Calls `fn` for every entry of the mapping `node`; unknown and repeated keys are errors.
absl::Status ForEachKey(
    const YAML::Node& node, const std::string& path, std::initializer_list<std::string_view> keys,
    absl::FunctionRef<absl::Status(std::string_view, const YAML::Node&, const std::string&)> fn) {
  if (!node.IsMap()) return KeyError(path.empty() ? "(top level)" : path, node, "expected a map");
  absl::flat_hash_set<std::string> seen;
  for (const auto& entry : node) {
    const YAML::Node& key_node = entry.first;
    const std::string key = key_node.IsScalar() ? key_node.Scalar() : "";
    const std::string key_path = path.empty() ? key : absl::StrCat(path, ".", key);
    if (!key_node.IsScalar()) {
      return KeyError(path.empty() ? "(top level)" : path, key_node, "keys must be plain strings");
    }
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      return KeyError(key_path, key_node, "unknown key");
    }
    if (!seen.insert(key).second) return KeyError(key_path, key_node, "duplicate key");
    if (entry.second.IsNull()) {
      // A null node has no useful position, so report the key's line.
      return KeyError(key_path, key_node, "missing value (write \"\" for an empty string)");
    }
    if (absl::Status s = fn(key, entry.second, key_path); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ReadString(const YAML::Node& node, const std::string& path, std::string& out) {
  if (!node.IsScalar()) return KeyError(path, node, "expected a string");
  out = node.Scalar();
  return absl::OkStatus();
}

absl::Status ReadBool(const YAML::Node& node, const std::string& path, bool& out) {
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, out)) {
    return KeyError(path, node, "expected true or false");
  }
  return absl::OkStatus();
}

absl::Status ReadInt(const YAML::Node& node, const std::string& path, int64_t min, int64_t max,
                     absl::string_view expected, int64_t& out) {
  if (!node.IsScalar() || !absl::SimpleAtoi(node.Scalar(), &out) || out < min || out > max) {
    return KeyError(path, node, expected);
  }
  return absl::OkStatus();
}

absl::Status ReadSize(const YAML::Node& node, const std::string& path, size_t& out) {
  int64_t value = 0;
  if (absl::Status s = ReadInt(node, path, 1, INT64_MAX, "expected a positive integer", value);
      !s.ok()) {
    return s;
  }
  out = static_cast<size_t>(value);
  return absl::OkStatus();
}

absl::Status ReadDuration(const YAML::Node& node, const std::string& path,
                          std::chrono::milliseconds& out) {
  absl::Duration d;
  if (!node.IsScalar() || !absl::ParseDuration(node.Scalar(), &d) || d <= absl::ZeroDuration() ||
      d == absl::InfiniteDuration()) {
    return KeyError(path, node, "expected a positive duration such as 15s, 500ms or 1m30s");
  }
  out = absl::ToChronoMilliseconds(d);
  if (out.count() <= 0) return KeyError(path, node, "must be at least 1ms");
  return absl::OkStatus();
}

absl::Status ReadListen(const YAML::Node& node, const std::string& path, std::string& out) {
  if (absl::Status s = ReadString(node, path, out); !s.ok()) return s;
  if (std::string problem = ListenProblem(out); !problem.empty()) {
    return KeyError(path, node, problem);
  }
  return absl::OkStatus();
}

bool IsHttpUrl(absl::string_view url) {
  return (absl::StartsWithIgnoreCase(url, "http://") && url.size() > 7) ||
         (absl::StartsWithIgnoreCase(url, "https://") && url.size() > 8);
}

// The transports of a hub: a non-empty list of WebSockets, ServerSentEvents, LongPolling.
absl::Status ReadTransports(const YAML::Node& node, const std::string& path, unsigned& out) {
  constexpr absl::string_view kExpected =
      "expected a non-empty list of WebSockets, ServerSentEvents, LongPolling";
  if (!node.IsSequence() || node.size() == 0) return KeyError(path, node, kExpected);
  out = 0;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string item_path = absl::StrCat(path, "[", i, "]");
    const std::string name = node[i].IsScalar() ? node[i].Scalar() : "";
    unsigned bit = 0;
    if (absl::EqualsIgnoreCase(name, "WebSockets")) {
      bit = hubcore::kTransportWebSockets;
    } else if (absl::EqualsIgnoreCase(name, "ServerSentEvents")) {
      bit = hubcore::kTransportServerSentEvents;
    } else if (absl::EqualsIgnoreCase(name, "LongPolling")) {
      bit = hubcore::kTransportLongPolling;
    } else {
      return KeyError(item_path, node[i], kExpected);
    }
    if ((out & bit) != 0) return KeyError(item_path, node[i], "transport listed twice");
    out |= bit;
  }
  return absl::OkStatus();
}

// Splits "a, b,c" into its non-empty, trimmed items.
std::vector<std::string> SplitList(absl::string_view text) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
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
        if (!value.IsSequence()) return KeyError(path, value, "expected a list of origins");
        cors.allowed_origins.clear();
        for (size_t i = 0; i < value.size(); ++i) {
          if (!value[i].IsScalar() || value[i].Scalar().empty()) {
            return KeyError(absl::StrCat(path, "[", i, "]"), value[i],
                            "expected an origin such as https://app.example, or \"*\"");
          }
          cors.allowed_origins.push_back(value[i].Scalar());
        }
        return absl::OkStatus();
      });
}

absl::Status ParseAuth(const YAML::Node& node, AuthConfig& auth) {
  return ForEachKey(node, "auth",
                    {"hs256_secret", "rs256_public_key_file", "rs256_public_key_pem",
                     "user_id_claims", "issuer", "audience"},
                    [&](std::string_view key, const YAML::Node& value, const std::string& path) {
                      if (key == "hs256_secret") return ReadString(value, path, auth.hs256_secret);
                      if (key == "rs256_public_key_file") {
                        return ReadString(value, path, auth.rs256_public_key_file);
                      }
                      if (key == "rs256_public_key_pem")
                        return ReadString(value, path, auth.rs256_public_key_pem);
                      if (key == "issuer") return ReadString(value, path, auth.issuer);
                      if (key == "audience") return ReadString(value, path, auth.audience);
                      // user_id_claims
                      if (!value.IsSequence())
                        return KeyError(path, value, "expected a list of claim names");
                      auth.user_id_claims.clear();
                      for (size_t i = 0; i < value.size(); ++i) {
                        const std::string item_path = absl::StrCat(path, "[", i, "]");
                        if (!value[i].IsScalar() || value[i].Scalar().empty()) {
                          return KeyError(item_path, value[i], "expected a non-empty claim name");
                        }
                        auth.user_id_claims.push_back(value[i].Scalar());
                      }
                      return absl::OkStatus();
                    });
}

absl::Status ParseHub(const YAML::Node& node, const std::string& hub_path,
                      hubcore::HubOptions& hub) {
  bool has_path = false;
  absl::Status status = ForEachKey(
      node, hub_path,
      {"name", "path", "require_auth", "detailed_errors", "max_message_size", "max_queued_bytes",
       "slow_consumer_policy", "handshake_timeout", "keep_alive_interval", "client_timeout",
       "disconnect_timeout", "backend_target", "backend_deadline", "max_parallel_invocations",
       "stream_buffer_capacity", "forwarded_headers", "transports", "poll_timeout",
       "stateful_reconnect", "stateful_reconnect_buffer_size",
       "negotiate_redirect"},
      [&](std::string_view key, const YAML::Node& value, const std::string& path) {
        if (key == "name") {
          if (absl::Status s = ReadString(value, path, hub.name); !s.ok()) return s;
          if (hub.name.empty()) return KeyError(path, value, "expected a non-empty name");
          return absl::OkStatus();
        }
        if (key == "path") {
          has_path = true;
          if (absl::Status s = ReadString(value, path, hub.path); !s.ok()) return s;
          if (hub.path.size() < 2 || hub.path.front() != '/') {
            return KeyError(path, value, "expected a path starting with '/', other than \"/\"");
          }
          return absl::OkStatus();
        }
        if (key == "require_auth") return ReadBool(value, path, hub.require_auth);
        if (key == "detailed_errors") return ReadBool(value, path, hub.detailed_errors);
        if (key == "max_message_size") return ReadSize(value, path, hub.max_message_size);
        if (key == "max_queued_bytes") return ReadSize(value, path, hub.max_queued_bytes);
        if (key == "handshake_timeout") return ReadDuration(value, path, hub.handshake_timeout);
        if (key == "keep_alive_interval") return ReadDuration(value, path, hub.keep_alive_interval);
        if (key == "client_timeout") return ReadDuration(value, path, hub.client_timeout);
        if (key == "disconnect_timeout") return ReadDuration(value, path, hub.disconnect_timeout);
        if (key == "backend_target") return ReadString(value, path, hub.backend_target);
        if (key == "backend_deadline") return ReadDuration(value, path, hub.backend_deadline);
        if (key == "stream_buffer_capacity") {
          return ReadSize(value, path, hub.stream_buffer_capacity);
        }
        if (key == "max_parallel_invocations") {
          int64_t parallel = 0;
          if (absl::Status s = ReadInt(value, path, 1, 1024, "expected an integer from 1 to 1024",
                                       parallel);
              !s.ok()) {
            return s;
          }
          hub.max_parallel_invocations = static_cast<int>(parallel);
          return absl::OkStatus();
        }
        if (key == "poll_timeout") return ReadDuration(value, path, hub.poll_timeout);
        if (key == "stateful_reconnect") return ReadBool(value, path, hub.stateful_reconnect);
        if (key == "stateful_reconnect_buffer_size") {
          return ReadSize(value, path, hub.stateful_reconnect_buffer_size);
        }
        if (key == "transports") return ReadTransports(value, path, hub.transports);
        if (key == "negotiate_redirect") {
          return ForEachKey(value, path, {"url", "access_token"},
                            [&](std::string_view k, const YAML::Node& v, const std::string& p) {
                              if (k == "access_token") {
                                return ReadString(v, p, hub.negotiate_redirect_access_token);
                              }
                              if (absl::Status s = ReadString(v, p, hub.negotiate_redirect_url);
                                  !s.ok()) {
                                return s;
                              }
                              if (!IsHttpUrl(hub.negotiate_redirect_url)) {
                                return KeyError(p, v, "expected an http:// or https:// URL");
                              }
                              return absl::OkStatus();
                            });
        }
        if (key == "forwarded_headers") {
          if (!value.IsSequence()) return KeyError(path, value, "expected a list of header names");
          hub.forwarded_headers.clear();
          for (size_t i = 0; i < value.size(); ++i) {
            if (!value[i].IsScalar() || value[i].Scalar().empty()) {
              return KeyError(absl::StrCat(path, "[", i, "]"), value[i],
                              "expected a non-empty header name");
            }
            hub.forwarded_headers.push_back(value[i].Scalar());
          }
          return absl::OkStatus();
        }
        // slow_consumer_policy
        const std::string policy = value.IsScalar() ? value.Scalar() : "";
        if (policy == "close") {
          hub.slow_consumer_policy = hubcore::SlowConsumerPolicy::kClose;
        } else if (policy == "drop") {
          hub.slow_consumer_policy = hubcore::SlowConsumerPolicy::kDrop;
        } else {
          return KeyError(path, value, "expected close or drop");
        }
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  if (hub.name.empty()) return KeyError(hub_path, node, "missing required key 'name'");
  if (!has_path) hub.path = absl::StrCat("/hubs/", hub.name);
  return absl::OkStatus();
}

absl::Status ParseRoot(const YAML::Node& root, GatewayConfig& config) {
  return ForEachKey(
      root, "",
      {"http", "grpc", "admin", "workers", "log", "shutdown", "port_file", "auth", "cors",
       "hubs"},
      [&](std::string_view key, const YAML::Node& value, const std::string& path) {
        if (key == "http") {
          return ForEachKey(value, path, {"listen", "static_dir"},
                            [&](std::string_view k, const YAML::Node& v, const std::string& p) {
                              return k == "listen" ? ReadListen(v, p, config.http_listen)
                                                   : ReadString(v, p, config.static_dir);
                            });
        }
        if (key == "grpc") {
          return ForEachKey(value, path, {"listen"},
                            [&](std::string_view, const YAML::Node& v, const std::string& p) {
                              return ReadListen(v, p, config.grpc_listen);
                            });
        }
        if (key == "admin") {
          return ForEachKey(value, path, {"listen"},
                            [&](std::string_view, const YAML::Node& v, const std::string& p) {
                              if (v.IsScalar() && v.Scalar().empty()) {
                                config.admin_listen.clear();  // "" turns the endpoint off
                                return absl::OkStatus();
                              }
                              return ReadListen(v, p, config.admin_listen);
                            });
        }
        if (key == "log") {
          return ForEachKey(
              value, path, {"level", "format"},
              [&](std::string_view k, const YAML::Node& v, const std::string& p) {
                if (k == "format") {
                  if (absl::Status s = ReadString(v, p, config.log_format); !s.ok()) return s;
                  if (!IsLogFormat(config.log_format)) return KeyError(p, v, "expected text or json");
                  return absl::OkStatus();
                }
                if (absl::Status s = ReadString(v, p, config.log_level); !s.ok()) return s;
                if (!IsLogLevel(config.log_level)) {
                  return KeyError(p, v, "expected trace, debug, info, warn or error");
                }
                return absl::OkStatus();
              });
        }
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
                  ReadInt(value, path, 0, kMaxWorkers,
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
        // hubs
        if (!value.IsSequence()) return KeyError(path, value, "expected a list of hubs");
        config.hubs.clear();
        for (size_t i = 0; i < value.size(); ++i) {
          hubcore::HubOptions hub;
          if (absl::Status s = ParseHub(value[i], absl::StrCat("hubs[", i, "]"), hub); !s.ok()) {
            return s;
          }
          config.hubs.push_back(std::move(hub));
        }
        return absl::OkStatus();
      });
}

absl::Status EnvError(absl::string_view name, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("environment ", name, ": ", what));
}

const char* GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  return text.str();
}

absl::Status ValidateHubs(const GatewayConfig& config) {
  if (config.hubs.empty()) return absl::InvalidArgumentError("hubs: at least one hub is needed");
  absl::flat_hash_map<std::string, size_t> names;
  absl::flat_hash_map<std::string, size_t> paths;  // lower-cased: routing is case-insensitive
  for (size_t i = 0; i < config.hubs.size(); ++i) {
    const hubcore::HubOptions& hub = config.hubs[i];
    const std::string at = absl::StrCat("hubs[", i, "]");
    auto fail = [&](absl::string_view key, absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(at, key.empty() ? "" : ".", key, ": ", what));
    };
    if (hub.name.empty()) return fail("name", "must not be empty");
    if (auto [it, added] = names.try_emplace(hub.name, i); !added) {
      return fail("name", absl::StrFormat("duplicate hub name \"%s\" (also hubs[%d])", hub.name,
                                          it->second));
    }
    if (hub.path.size() < 2 || hub.path.front() != '/') {
      return fail("path", "must start with '/' and must not be \"/\"");
    }
    if (auto [it, added] = paths.try_emplace(absl::AsciiStrToLower(hub.path), i); !added) {
      return fail("path", absl::StrFormat("duplicate hub path \"%s\" (also hubs[%d])", hub.path,
                                          it->second));
    }
    if (hub.require_auth && !config.auth.enabled()) {
      return fail("require_auth",
                  "needs auth.hs256_secret (or HUBGATE_AUTH_HS256_SECRET) or an RS256 public key");
    }
    if (hub.max_message_size == 0) return fail("max_message_size", "must be positive");
    if (hub.max_queued_bytes == 0) return fail("max_queued_bytes", "must be positive");
    const std::pair<const char*, std::chrono::milliseconds> timeouts[] = {
        {"handshake_timeout", hub.handshake_timeout},
        {"keep_alive_interval", hub.keep_alive_interval},
        {"client_timeout", hub.client_timeout},
        {"disconnect_timeout", hub.disconnect_timeout}};
    for (const auto& [key, value] : timeouts) {
      if (value.count() <= 0) return fail(key, "must be positive");
    }
    if (hub.poll_timeout.count() <= 0) return fail("poll_timeout", "must be positive");
    if ((hub.transports & hubcore::kAllTransports) == 0) {
      return fail("transports", "at least one transport is needed");
    }
    if (!hub.negotiate_redirect_url.empty() && !IsHttpUrl(hub.negotiate_redirect_url)) {
      return fail("negotiate_redirect.url", "expected an http:// or https:// URL");
    }
  }
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

absl::StatusOr<GatewayConfig> ParseConfigYaml(std::string_view yaml_text) {
  GatewayConfig config = DefaultConfig();
  try {
    const YAML::Node root = YAML::Load(std::string(yaml_text));
    if (root.IsNull()) return config;  // an empty document means all defaults
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

absl::StatusOr<GatewayConfig> LoadConfigFile(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<GatewayConfig> config = ParseConfigYaml(*text);
  if (!config.ok()) {
    return absl::Status(config.status().code(),
                        absl::StrCat(path, ": ", config.status().message()));
  }
  return config;
}

absl::Status FinalizeConfig(GatewayConfig& config) {
  if (const char* v = GetEnv("HUBGATE_AUTH_HS256_SECRET")) config.auth.hs256_secret = v;
  for (auto [name, field] : {std::pair{"HUBGATE_HTTP_LISTEN", &config.http_listen},
                             std::pair{"HUBGATE_GRPC_LISTEN", &config.grpc_listen}}) {
    if (const char* v = GetEnv(name)) {
      if (std::string problem = ListenProblem(v); !problem.empty()) return EnvError(name, problem);
      *field = v;
    }
  }
  if (const char* v = GetEnv("HUBGATE_ADMIN_LISTEN")) {
    if (std::string problem = ListenProblem(v); !problem.empty()) {
      return EnvError("HUBGATE_ADMIN_LISTEN", problem);
    }
    config.admin_listen = v;
  }
  if (const char* v = GetEnv("HUBGATE_LOG_FORMAT")) {
    if (!IsLogFormat(v)) return EnvError("HUBGATE_LOG_FORMAT", "expected text or json");
    config.log_format = v;
  }
  for (auto [name, field] :
       {std::pair{"HUBGATE_SHUTDOWN_DRAIN_WINDOW", &config.shutdown.drain_window},
        std::pair{"HUBGATE_SHUTDOWN_DEADLINE", &config.shutdown.deadline}}) {
    if (const char* v = GetEnv(name)) {
      absl::Duration d;
      if (!absl::ParseDuration(v, &d) || d <= absl::ZeroDuration() ||
          d == absl::InfiniteDuration()) {
        return EnvError(name, "expected a positive duration such as 15s");
      }
      *field = absl::ToChronoMilliseconds(d);
    }
  }
  if (const char* v = GetEnv("HUBGATE_LOG_LEVEL")) {
    if (!IsLogLevel(v))
      return EnvError("HUBGATE_LOG_LEVEL", "expected trace|debug|info|warn|error");
    config.log_level = v;
  }
  if (const char* v = GetEnv("HUBGATE_WORKERS")) {
    if (!absl::SimpleAtoi(v, &config.workers) || config.workers < 0 ||
        config.workers > kMaxWorkers) {
      return EnvError("HUBGATE_WORKERS", "expected an integer in 0..256");
    }
  }

  if (const char* v = GetEnv("HUBGATE_CORS_ALLOWED_ORIGINS")) {
    config.cors.allowed_origins = SplitList(v);
  }

  AuthConfig& auth = config.auth;
  if (!auth.rs256_public_key_file.empty()) {
    absl::StatusOr<std::string> pem = ReadWholeFile(auth.rs256_public_key_file);
    if (!pem.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("auth.rs256_public_key_file: ", pem.status().message()));
    }
    if (!auth.rs256_public_key_pem.empty() && auth.rs256_public_key_pem != *pem) {
      return absl::InvalidArgumentError(
          "auth: set rs256_public_key_file or rs256_public_key_pem, not both");
    }
    auth.rs256_public_key_pem = *std::move(pem);
  }

  if (std::string problem = ListenProblem(config.http_listen); !problem.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("http.listen: ", problem));
  }
  if (std::string problem = ListenProblem(config.grpc_listen); !problem.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("grpc.listen: ", problem));
  }
  if (!config.admin_listen.empty()) {
    if (std::string problem = ListenProblem(config.admin_listen); !problem.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("admin.listen: ", problem));
    }
  }
  if (!IsLogLevel(config.log_level)) {
    return absl::InvalidArgumentError("log.level: expected trace, debug, info, warn or error");
  }
  if (!IsLogFormat(config.log_format)) {
    return absl::InvalidArgumentError("log.format: expected text or json");
  }
  if (config.shutdown.drain_window >= config.shutdown.deadline) {
    return absl::InvalidArgumentError(
        "shutdown.drain_window: must be shorter than shutdown.deadline (the connections need "
        "time to close after the last Close is sent)");
  }
  if (config.workers < 0 || config.workers > kMaxWorkers) {
    return absl::InvalidArgumentError("workers: expected an integer in 0..256");
  }
  for (const std::string& origin : config.cors.allowed_origins) {
    if (origin == "*") {
      // SignalR clients send credentials (cookies, Authorization): echoing every origin with
      // Allow-Credentials would let any website use them (ASP.NET Core refuses this as well).
      return absl::InvalidArgumentError(
          "cors.allowed_origins: \"*\" is not allowed (clients send credentials, so any "
          "website could use them); list the origins");
    }
  }
  return ValidateHubs(config);
}

}  // namespace hubgate::gateway
