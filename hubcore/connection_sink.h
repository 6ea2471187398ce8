#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "hubcore/client_result.h"
#include "hubcore/serialized_message.h"
#include "hubcore/value.h"

namespace hubgate::hubcore {

// A live connection as the routing index sees it. Implemented by the hub connection of each
// transport; all calls happen on the thread (worker) that owns the connection.
class ConnectionSink {
 public:
  virtual ~ConnectionSink() = default;
  // Queues the message for sending. Must not block; a connection whose queue overflows closes
  // itself according to its slow-consumer policy.
  virtual void Deliver(const SerializedMessage& message) = 0;
  // Sends a server-to-client invocation and reports the client's answer (client results).
  virtual void InvokeClient(std::string method, std::vector<Value> arguments,
                            std::chrono::steady_clock::time_point deadline,
                            ClientResultCallback done) = 0;
};

}  // namespace hubgate::hubcore
