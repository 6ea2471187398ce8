#pragma once

#include <chrono>
#include <string_view>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
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
  // This replica's connection registry took in / let go of a connection (any thread): while it
  // holds it, requests about the connection (locating it, above all) come here, even before
  // its handshake.
  virtual void ConnectionHeld(std::string_view connection_id) = 0;
  virtual void ConnectionReleased(std::string_view connection_id) = 0;
  // Calls `done` once, from any thread, when the other replicas can find a connection this
  // replica took in (or when that cannot be known: the backplane is down).
  virtual void WhenHeld(std::string_view connection_id, absl::AnyInvocable<void() &&> done) = 0;
  // A token names its connection until its claim deadline, but only its first claim anywhere
  // counts (a later one, after the connection ended, is an unknown token as on one node):
  // `done` (any thread) gets true for the first claim, false after, an error when unknown.
  virtual void ClaimOnce(std::string_view connection_id, std::chrono::milliseconds ttl,
                         absl::AnyInvocable<void(absl::StatusOr<bool>) &&> done) = 0;
};

}  // namespace hubgate::gateway
