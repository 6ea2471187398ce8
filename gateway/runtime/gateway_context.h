#pragma once

#include <memory>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "hubcore/hub_backend.h"
#include "gateway/ops/config.h"
#include "gateway/runtime/cluster_routing.h"
#include "gateway/runtime/connection_registry.h"
#include "gateway/ops/metrics.h"
#include "gateway/ops/trusted_proxies.h"
#include "gateway/runtime/worker_pool.h"

namespace hubgate::gateway {

class ClusterPublisher;       // gateway/backplane/
class ConnectionTokenSigner;  // gateway/http/
class JwtAuthenticator;  // gateway/http/
class StaticFiles;       // gateway/http/

// What every session needs to see; built once at start-up and read-only afterwards (except the
// registry, which locks internally).
struct GatewayContext {
  const GatewayConfig& config;
  WorkerPool& workers;
  ConnectionRegistry& registry;
  Metrics& metrics;
  const JwtAuthenticator* authenticator = nullptr;  // null when no keys are configured
  const StaticFiles* static_files = nullptr;        // null when no static_dir is configured
  // The backend of each hub that has one (hub name -> backend).
  absl::flat_hash_map<std::string, hubcore::HubBackend*> backends;
  // The cluster this replica belongs to; all three null for a single gateway (no backplane).
  ClusterRouting* cluster = nullptr;
  ClusterPublisher* cluster_publisher = nullptr;    // locates connections held elsewhere
  const ConnectionTokenSigner* token_signer = nullptr;  // backplane.token_secret
  // limits.trusted_proxies, parsed: whose X-Forwarded-For names the client.
  TrustedProxies trusted_proxies;

  hubcore::HubBackend* FindBackend(const std::string& hub) const {
    auto it = backends.find(hub);
    return it == backends.end() ? nullptr : it->second;
  }

  // The hub mapped at `path` (ASCII case-insensitive, as ASP.NET Core routing), or null.
  const hubcore::HubOptions* FindHubByPath(std::string_view path) const {
    for (const hubcore::HubOptions& hub : config.hubs) {
      if (absl::EqualsIgnoreCase(hub.path, absl::string_view(path.data(), path.size()))) {
        return &hub;
      }
    }
    return nullptr;
  }
};

}  // namespace hubgate::gateway
