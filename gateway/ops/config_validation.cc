#include "gateway/ops/config_validation.h"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gateway/ops/config_rules.h"
#include "hubcore/file_text.h"

namespace hubgate::gateway {

namespace {

absl::Status ValidateListenerTls(absl::string_view section, const ListenerTlsConfig& tls) {
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(section, ".tls: set both cert_file and key_file"));
  }
  for (const auto& [name, file] :
       {std::pair{"cert_file", &tls.cert_file}, std::pair{"key_file", &tls.key_file}}) {
    if (!file->empty() && !hubcore::ReadFileText(*file).ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(section, ".tls.", name, ": cannot open ", *file));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateListeners(const GatewayConfig& config) {
  if (absl::Status s = ValidateListenerTls("http", config.http_tls); !s.ok()) return s;
  if (absl::Status s = ValidateListenerTls("admin", config.admin_tls); !s.ok()) return s;
  if (absl::Status s = config_rules::CheckBindAddress(config.http_listen); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("http.listen: ", s.message()));
  }
  if (absl::Status s = config_rules::CheckGrpcAddress(config.grpc_listen); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("grpc.listen: ", s.message()));
  }
  if (config.admin_listen.empty()) return absl::OkStatus();  // the endpoint is off
  if (absl::Status s = config_rules::CheckBindAddress(config.admin_listen); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("admin.listen: ", s.message()));
  }
  return absl::OkStatus();
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
    if (!hub.negotiate_redirect_url.empty() &&
        !config_rules::IsHttpUrl(hub.negotiate_redirect_url)) {
      return fail("negotiate_redirect.url", "expected an http:// or https:// URL");
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateConfig(const GatewayConfig& config) {
  if (absl::Status s = ValidateListeners(config); !s.ok()) return s;
  if (!config_rules::IsLogLevel(config.log_level)) {
    return absl::InvalidArgumentError("log.level: expected trace, debug, info, warn or error");
  }
  if (!config_rules::IsLogFormat(config.log_format)) {
    return absl::InvalidArgumentError("log.format: expected text or json");
  }
  if (config.shutdown.drain_window >= config.shutdown.deadline) {
    return absl::InvalidArgumentError(
        "shutdown.drain_window: must be shorter than shutdown.deadline (the connections need "
        "time to close after the last Close is sent)");
  }
  if (config.workers < 0 || config.workers > config_rules::kMaxWorkers) {
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
  if (config.limits.connection_rate_per_address > 0 &&
      config.limits.connection_burst_per_address < 1) {
    return absl::InvalidArgumentError(
        "limits.connection_burst_per_address: must be at least 1 when a connection rate is set");
  }
  return ValidateHubs(config);
}

}  // namespace hubgate::gateway
