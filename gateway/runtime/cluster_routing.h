#pragma once

#include <string_view>

#include "absl/functional/any_invocable.h"
#include "hubcore/routing_observer.h"

namespace hubgate::gateway {

// What a cluster adds to this replica's routing (implemented by gateway/backplane): it hears
// of every routing change of every worker (RoutingObserver, called on the workers' threads)
// and says when a new connection can be reached from every replica.
class ClusterRouting : public hubcore::RoutingObserver {
 public:
  // Calls `done` once, from any thread, when pushes published anywhere in the cluster reach the
  // connection (its channels are subscribed), or when that cannot be known (the backplane is
  // down: the connection is then reachable locally only). The connection must already be in
  // its worker's routing index.
  virtual void WhenRoutable(std::string_view hub, std::string_view connection_id,
                            std::string_view user_id, absl::AnyInvocable<void() &&> done) = 0;
};

}  // namespace hubgate::gateway
