#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hubcore/hub_options.h"
#include "gateway/ops/backplane_config.h"
#include "hubcore/push_api_options.h"

namespace hubgate::gateway {

struct AuthConfig {
  std::string hs256_secret;             // HS256 shared secret; env HUBGATE_AUTH_HS256_SECRET
  std::string rs256_public_key_pem;     // RS256 public key (PEM text)
  std::string rs256_public_key_file;    // or a file holding it
  // Claims tried in order for the user id.
  std::vector<std::string> user_id_claims = {
      "sub", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier"};
  std::string issuer;    // when set, the token's "iss" must equal it
  std::string audience;  // when set, the token's "aud" must equal or contain it
  // Tolerance for "exp" and "nbf" between the token issuer's clock and ours (ASP.NET Core's
  // TokenValidationParameters.ClockSkew, 5 minutes by default).
  std::chrono::milliseconds clock_skew{std::chrono::minutes(5)};
  bool enabled() const { return !hs256_secret.empty() || !rs256_public_key_pem.empty(); }
};

// Graceful shutdown on SIGTERM (see docs/operations.md).
struct ShutdownConfig {
  // Close frames (allowReconnect) are spread evenly over this window, so that a rollout does not
  // send every client to the other replicas at the same instant.
  std::chrono::milliseconds drain_window{10000};
  // The process exits by then, counted from the signal; connections still open are aborted.
  std::chrono::milliseconds deadline{25000};
};

// Cross-origin browser access (see docs/configuration.md, `cors`).
struct CorsConfig {
  // Exact origins ("https://app.example"), compared case-insensitively; the allowed Origin is
  // echoed. "*" is refused (FinalizeConfig): SignalR clients send credentials, so a wildcard
  // would let any website use them. Empty: no CORS headers at all. Env
  // HUBGATE_CORS_ALLOWED_ORIGINS (comma-separated).
  std::vector<std::string> allowed_origins;
  std::chrono::seconds max_age{600};  // Access-Control-Max-Age of preflight answers
  bool enabled() const { return !allowed_origins.empty(); }
};

// TLS on an HTTP listener (http.tls, admin.tls): PEM files, re-read when they change and on
// SIGHUP (TlsContextProvider). Both or neither; neither means plaintext.
struct ListenerTlsConfig {
  std::string cert_file;  // certificate chain, leaf first
  std::string key_file;   // its private key (unencrypted PEM)
  bool enabled() const { return !cert_file.empty(); }
};

// Bounds on what clients, anonymous ones above all, may consume (see docs/configuration.md,
// `limits`). A count or rate of 0 turns that limit off. "Address" is the socket peer: behind an
// ingress or load balancer every client has the ingress's address unless it is listed in
// trusted_proxies.
struct LimitsConfig {
  // A request's header must have arrived by then (slowloris); the body then has 30s more.
  std::chrono::milliseconds request_header_timeout{10000};
  // Negotiated connections no transport has claimed yet. The per-address limits are off by
  // default: behind an ingress every client has its address (a reconnect storm after a rollout
  // would be refused); the process-wide bounds hold in every case.
  int64_t max_unclaimed_negotiations_per_hub = 10000;
  int64_t max_unclaimed_negotiations_per_address = 0;
  // Negotiated plus connected connections (and, per user, those of one authenticated user).
  int64_t max_connections = 100000;
  int64_t max_connections_per_user = 100;
  // Negotiations and connects per second from one address (token bucket of `burst` tokens).
  int64_t connection_rate_per_address = 0;
  int64_t connection_burst_per_address = 200;
  // A WebSocket message or a hub record begun and not finished by then closes the connection
  // (a client that never pings is never timed out by client_timeout).
  std::chrono::milliseconds partial_message_timeout{30000};
  // Proxies (addresses or networks) whose X-Forwarded-For is believed for the per-address
  // limits (TrustedProxies). Empty: the address is always the TCP peer's.
  std::vector<std::string> trusted_proxies;
};

struct GatewayConfig {
  // Listen addresses "host:port" (see gateway/ops/listen_address.h): port 0 picks a free port,
  // an empty host (":8080") or "*" means all interfaces. gRPC also resolves host names.
  std::string http_listen = "0.0.0.0:8080";
  std::string grpc_listen = "0.0.0.0:50051";
  ListenerTlsConfig http_tls;   // https/wss on http_listen
  int workers = 0;                             // 0: one per hardware thread
  std::string static_dir;                      // served at "/" when set (the demo page)
  std::string log_level = "info";
  std::string log_format = "text";            // text | json (one JSON object per line)
  // Admin HTTP endpoint: /metrics (Prometheus), /healthz, /readyz. Empty: off.
  std::string admin_listen = "0.0.0.0:9090";
  ListenerTlsConfig admin_tls;
  ShutdownConfig shutdown;
  std::string port_file;  // when set, the bound ports are written there as JSON once listening
  AuthConfig auth;
  CorsConfig cors;
  LimitsConfig limits;
  std::vector<hubcore::HubOptions> hubs;
  // Push API credentials: API keys, TLS/mTLS, loopback-only without them (docs/security.md).
  hubcore::PushApiOptions push_api;
  // Scale-out over Redis (docs/scale-out.md); off unless configured.
  BackplaneConfig backplane;
};

// The built-in configuration: one anonymous hub "posts" at /hubs/posts.
GatewayConfig DefaultConfig();

// Parses YAML (schema in docs/configuration.md). Errors name the offending key and its line,
// e.g. "hubs[0].max_message_size (line 7): expected a positive integer".
absl::StatusOr<GatewayConfig> ParseConfigYaml(std::string_view yaml_text);
absl::StatusOr<GatewayConfig> LoadConfigFile(const std::string& path);

// Applies HUBGATE_* environment overrides (secrets and common options), reads key files, and
// checks cross-field rules (unique hub names and paths, paths start with '/', auth configured
// when a hub requires it). grpc_listen comes out in the form gRPC takes (":p" is 0.0.0.0:p).
absl::Status FinalizeConfig(GatewayConfig& config);

}  // namespace hubgate::gateway
