#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "hubcore/audience.h"
#include "hubcore/client_result.h"
#include "hubcore/frame.h"
#include "hubcore/value.h"

namespace hubgate::gateway {

// The messages replicas exchange over the backplane, as the gateway sees them; on the wire they
// are hubgate.backplane.v1.Envelope (proto/hubgate/backplane/v1/backplane.proto), converted by
// BackplaneEnvelopeCodec.

// A hub message for an audience, encoded once per protocol by the publishing replica.
struct BackplanePush {
  std::string message_id;  // the same on every channel one push is published to
  std::string origin_replica;
  std::string hub;
  hubcore::Audience audience;
  std::string method;  // the client method (metrics, logs)
  hubcore::FrameConstSharedPtr json_frame;
  hubcore::FrameConstSharedPtr messagepack_frame;
};

// A request about one connection, sent to its c: channel; answered on r:{reply_replica}.
struct ConnectionRequest {
  enum class Action { kAddToGroup, kRemoveFromGroup, kInvokeClient, kLocate };
  uint64_t request_id = 0;  // correlates the reply
  std::string reply_replica;
  std::string hub;
  std::string connection_id;
  Action action = Action::kLocate;
  std::string group;                      // kAddToGroup, kRemoveFromGroup
  std::string method;                     // kInvokeClient
  std::vector<hubcore::Value> arguments;  // kInvokeClient
  // kInvokeClient: how long the holder waits for the client from receipt (no shared clock).
  std::chrono::milliseconds timeout{0};
};

// The holder's answer to a ConnectionRequest.
struct ConnectionReply {
  uint64_t request_id = 0;
  std::string connection_id;
  bool found = false;
  // InvokeClient: the client's answer, or why there is none (Unavailable, DeadlineExceeded).
  std::optional<absl::StatusOr<hubcore::ClientResult>> client_result;
  std::string advertise_address;  // Locate: where to forward HTTP requests for the connection
};

using BackplaneEnvelope = std::variant<BackplanePush, ConnectionRequest, ConnectionReply>;

}  // namespace hubgate::gateway
