#pragma once

#include <string>

#include "hubcore/serialized_message.h"

namespace hubgate::hubcore {

// A live connection as the routing index sees it. Implemented by the hub connection of each
// transport; all calls happen on the thread (worker) that owns the connection.
class ConnectionSink {
 public:
  virtual ~ConnectionSink() = default;
  // Queues the message for sending. Must not block; a connection whose queue overflows closes
  // itself according to its slow-consumer policy.
  virtual void Deliver(const SerializedMessage& message) = 0;
};

}  // namespace hubgate::hubcore
