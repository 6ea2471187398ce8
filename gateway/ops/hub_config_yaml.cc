#include "gateway/ops/hub_config_yaml.h"

#include <cstdint>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/ops/config_rules.h"
#include "gateway/ops/yaml_fields.h"

namespace hubgate::gateway {

namespace {

using yaml_fields::ForEachKey;
using yaml_fields::KeyError;
using yaml_fields::ReadBool;
using yaml_fields::ReadDuration;
using yaml_fields::ReadInt;
using yaml_fields::ReadSize;
using yaml_fields::ReadString;
using yaml_fields::ReadStringList;

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

absl::Status ReadSlowConsumerPolicy(const YAML::Node& node, const std::string& path,
                                    hubcore::SlowConsumerPolicy& out) {
  const std::string policy = node.IsScalar() ? node.Scalar() : "";
  if (policy == "close") {
    out = hubcore::SlowConsumerPolicy::kClose;
  } else if (policy == "drop") {
    out = hubcore::SlowConsumerPolicy::kDrop;
  } else {
    return KeyError(path, node, "expected close or drop");
  }
  return absl::OkStatus();
}

absl::Status ReadNegotiateRedirect(const YAML::Node& node, const std::string& path,
                                   hubcore::HubOptions& hub) {
  return ForEachKey(node, path, {"url", "access_token"},
                    [&](std::string_view key, const YAML::Node& value, const std::string& p) {
                      if (key == "access_token") {
                        return ReadString(value, p, hub.negotiate_redirect_access_token);
                      }
                      if (absl::Status s = ReadString(value, p, hub.negotiate_redirect_url);
                          !s.ok()) {
                        return s;
                      }
                      if (!config_rules::IsHttpUrl(hub.negotiate_redirect_url)) {
                        return KeyError(p, value, "expected an http:// or https:// URL");
                      }
                      return absl::OkStatus();
                    });
}

// Backends coming and going (issue 11): on_backend_unavailable, backend_failure_log_interval,
// backend_tls. True when `key` is one of them (then `status` is the outcome).
bool ParseBackendAvailabilityKey(std::string_view key, const YAML::Node& value,
                                 const std::string& path, hubcore::HubOptions& hub,
                                 absl::Status& status) {
  if (key == "on_backend_unavailable") {
    const std::string choice = value.IsScalar() ? value.Scalar() : "";
    if (choice == "refuse" || choice == "accept") {
      hub.accept_when_backend_unavailable = choice == "accept";
      status = absl::OkStatus();
    } else {
      status = KeyError(path, value, "expected refuse or accept");
    }
    return true;
  }
  if (key == "backend_failure_log_interval") {
    status = ReadDuration(value, path, hub.backend_failure_log_interval);
    return true;
  }
  if (key == "backend_tls") {
    hubcore::HubOptions::BackendTls& tls = hub.backend_tls;
    status = ForEachKey(value, path, {"ca_file", "cert_file", "key_file"},
                        [&](std::string_view tls_key, const YAML::Node& v, const std::string& p) {
                          if (tls_key == "ca_file") return ReadString(v, p, tls.ca_file);
                          if (tls_key == "cert_file") return ReadString(v, p, tls.cert_file);
                          return ReadString(v, p, tls.key_file);
                        });
    if (status.ok() && tls.ca_file.empty()) {
      status = KeyError(path, value, "expected ca_file (the CA bundle the backend's certificate "
                                     "is checked against)");
    }
    if (status.ok() && tls.cert_file.empty() != tls.key_file.empty()) {
      status = KeyError(path, value, "cert_file and key_file go together");
    }
    return true;
  }
  return false;
}

}  // namespace

absl::Status ParseHubYaml(const YAML::Node& node, const std::string& hub_path,
                          hubcore::HubOptions& hub) {
  bool has_path = false;
  absl::Status status = ForEachKey(
      node, hub_path,
      {"name", "path", "require_auth", "detailed_errors", "max_message_size", "max_queued_bytes",
       "slow_consumer_policy", "handshake_timeout", "keep_alive_interval", "client_timeout",
       "disconnect_timeout", "backend_target", "backend_deadline", "max_parallel_invocations",
       "stream_buffer_capacity", "forwarded_headers", "transports", "poll_timeout",
       "stateful_reconnect", "stateful_reconnect_buffer_size", "negotiate_redirect",
       "close_on_authentication_expiration", "on_backend_unavailable",
       "backend_failure_log_interval", "backend_tls", "max_invocations_per_second",
       "invocation_burst"},
      [&](std::string_view key, const YAML::Node& value, const std::string& path) {
        if (absl::Status s; ParseBackendAvailabilityKey(key, value, path, hub, s)) return s;
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
        if (key == "max_invocations_per_second" || key == "invocation_burst") {
          int64_t number = 0;
          if (absl::Status s = ReadInt(value, path, 0, 1'000'000,
                                       "expected an integer from 0 (no limit) to 1000000", number);
              !s.ok()) {
            return s;
          }
          (key == "invocation_burst" ? hub.invocation_burst : hub.max_invocations_per_second) =
              static_cast<int>(number);
          return absl::OkStatus();
        }
        if (key == "close_on_authentication_expiration") {
          return ReadBool(value, path, hub.close_on_authentication_expiration);
        }
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
        if (key == "negotiate_redirect") return ReadNegotiateRedirect(value, path, hub);
        if (key == "forwarded_headers") {
          return ReadStringList(value, path, "expected a list of header names",
                                "expected a non-empty header name", hub.forwarded_headers);
        }
        return ReadSlowConsumerPolicy(value, path, hub.slow_consumer_policy);
      });
  if (!status.ok()) return status;
  if (hub.name.empty()) return KeyError(hub_path, node, "missing required key 'name'");
  if (!has_path) hub.path = absl::StrCat("/hubs/", hub.name);
  return absl::OkStatus();
}

}  // namespace hubgate::gateway
