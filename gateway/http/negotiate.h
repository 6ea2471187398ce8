#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "gateway/runtime/connection_registry.h"
#include "hubcore/hub_options.h"

namespace hubgate::gateway {

class ConnectionTokenSigner;

// POST {hub}/negotiate: creates a connection and tells the client how to reach it.
class Negotiate {
 public:
  // Who asks, for the registry's limits (empty: not counted that way).
  struct Caller {
    std::string user_id;
    std::string client_address;
  };

  // The JSON body (HTTP 200, as .NET: protocol errors are {"error":"..."}), or the registry's
  // refusal when a limit has no room (see ConnectionRegistry::Admit).
  // version_param is the negotiateVersion query value (nullopt: absent, meaning version 0).
  // stateful_requested: the client sent useStatefulReconnect=true; the answer agrees (and the
  // registry entry remembers it) only when the hub allows stateful reconnect.
  // signer (a cluster's): the token is signed and nothing enters the registry (version >= 1).
  static absl::StatusOr<std::string> Handle(const hubcore::HubOptions& hub,
                                            std::optional<std::string_view> version_param,
                                            uint32_t worker, ConnectionRegistry& registry,
                                            std::chrono::steady_clock::time_point now,
                                            bool stateful_requested = false, Caller caller = {},
                                            const ConnectionTokenSigner* signer = nullptr);

  // The redirect answer of a hub with negotiate_redirect_url: {"url", "accessToken"}. The token
  // is the configured one, else `caller_token` (the bearer token the caller presented); without
  // either, accessToken is left out and the client keeps its own token factory.
  static std::string Redirect(const hubcore::HubOptions& hub,
                              std::optional<std::string_view> caller_token);

  // The availableTransports array of a hub, in .NET's order.
  static std::string TransportsJson(const hubcore::HubOptions& hub);
};

}  // namespace hubgate::gateway
