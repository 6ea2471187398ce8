#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "hubcore/audience.h"
#include "hubcore/client_result.h"
#include "hubcore/serialized_message.h"

namespace hubgate::hubcore {

// What the Push API drives: delivery to the connections of this gateway. The in-process
// implementation hands each worker one item; a Redis backplane can later wrap or replace it.
// Every method returns at once and calls `done` exactly once, from any thread.
// What a push reached (the Push API's SendResponse).
struct PublishOutcome {
  // Connections of this gateway (in a cluster: of the replica that took the call) the message
  // was queued for.
  uint64_t queued_connections = 0;
  // In a cluster: the replicas the push reached through Redis, counted per audience channel
  // (a replica holding two of the listed groups counts twice); 0 on a single gateway.
  uint64_t replicas_reached = 0;
};

class Publisher {
 public:
  using CountCallback = absl::AnyInvocable<void(absl::StatusOr<PublishOutcome>) &&>;
  using FoundCallback = absl::AnyInvocable<void(absl::StatusOr<bool>) &&>;
  // Also reachable as Publisher::ClientResult (the Push API's spelling).
  using ClientResult = hubcore::ClientResult;
  using ClientResultCallback = hubcore::ClientResultCallback;

  virtual ~Publisher() = default;

  virtual bool HasHub(const std::string& hub) const = 0;

  // Queues the message on every local connection of `hub` in the audience; `done` receives how
  // many connections it was queued for. NotFound if the hub does not exist.
  virtual void Publish(const std::string& hub, const Audience& audience,
                       SerializedMessageConstSharedPtr message, CountCallback done) = 0;

  // Adds/removes a connection to/from a group; `done` receives whether the connection was found.
  virtual void AddToGroup(const std::string& hub, const std::string& connection_id,
                          const std::string& group, FoundCallback done) = 0;
  virtual void RemoveFromGroup(const std::string& hub, const std::string& connection_id,
                               const std::string& group, FoundCallback done) = 0;

  // Invokes `method` on one connection and waits for its Completion ("client results").
  // Errors: NotFound "Connection '<id>' does not exist.", Unavailable "Connection '<id>'
  // disconnected.", DeadlineExceeded when no answer came within `timeout`.
  virtual void InvokeClient(const std::string& hub, const std::string& connection_id,
                            std::string method, std::vector<Value> arguments,
                            std::chrono::milliseconds timeout, ClientResultCallback done) = 0;
};

}  // namespace hubgate::hubcore
