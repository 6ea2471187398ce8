#pragma once

#include <string>
#include <vector>

#include "hubcore/hub_backend.h"
#include "hubcore/hub_connection_host.h"
#include "hubcore/hub_message.h"
#include "hubcore/hub_options.h"
#include "hubcore/invocation_dispatcher.h"
#include "hubcore/invocation_rate_limit.h"

namespace hubgate::hubcore {

// A connected connection's hub method calls: the hub's invocation rate limit in front of the
// InvocationDispatcher. The connection creates it on first use, since most connections
// (push-only clients) never call a hub method and an idle connection's memory is the gateway's
// per-connection cost (docs/performance.md).
class HubMethodCalls {
 public:
  // `context` and the hosts outlive this object (they belong to the connection).
  HubMethodCalls(HubBackend* backend, const CallContext& context, const HubOptions& options,
                 DispatcherHost& dispatcher_host, HubConnectionHost& connection_host);

  // A client message of the hub-method family: Invocation, StreamInvocation, CancelInvocation,
  // StreamItem, Completion (others are ignored). `now`: when it was received.
  void OnMessage(HubMessage message, TimePoint now);
  void InvokeClient(std::string method, std::vector<Value> arguments, TimePoint deadline,
                    ClientResultCallback done);
  void OnTick(TimePoint now) { dispatcher_.OnTick(now); }
  bool HasInvocationsInFlight() const { return dispatcher_.HasInvocationsInFlight(); }
  void OnConnectionClosed() { dispatcher_.OnConnectionClosed(); }

 private:
  // False (after answering the call, when it has an id) for a call beyond the rate limit.
  bool AllowInvocation(const std::optional<std::string>& invocation_id, TimePoint now);

  DispatcherHost& dispatcher_host_;
  HubConnectionHost& connection_host_;
  InvocationRateLimit rate_limit_;
  InvocationDispatcher dispatcher_;
};

}  // namespace hubgate::hubcore
