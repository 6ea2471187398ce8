#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "hubcore/value.h"

namespace hubgate::hubcore {

// The SignalR hub protocol messages (HubProtocol.md), independent of their encoding.
using Headers = std::vector<std::pair<std::string, std::string>>;

enum class MessageType : int {
  kInvocation = 1,
  kStreamItem = 2,
  kCompletion = 3,
  kStreamInvocation = 4,
  kCancelInvocation = 5,
  kPing = 6,
  kClose = 7,
  kAck = 8,
  kSequence = 9,
};

struct InvocationMessage {
  Headers headers;
  std::optional<std::string> invocation_id;  // absent for fire-and-forget sends
  std::string target;
  std::vector<Value> arguments;
  std::vector<std::string> stream_ids;
};

struct StreamItemMessage {
  Headers headers;
  std::string invocation_id;
  Value item;
};

struct CompletionMessage {
  Headers headers;
  std::string invocation_id;
  std::optional<std::string> error;  // set: the call failed
  std::optional<Value> result;       // set: the call returned a value; neither: void
};

struct StreamInvocationMessage {
  Headers headers;
  std::string invocation_id;
  std::string target;
  std::vector<Value> arguments;
  std::vector<std::string> stream_ids;
};

struct CancelInvocationMessage {
  Headers headers;
  std::string invocation_id;
};

struct PingMessage {};

struct CloseMessage {
  std::optional<std::string> error;
  bool allow_reconnect = false;
};

struct AckMessage {
  int64_t sequence_id = 0;
};

struct SequenceMessage {
  int64_t sequence_id = 0;
};

using HubMessage = std::variant<InvocationMessage, StreamItemMessage, CompletionMessage,
                                StreamInvocationMessage, CancelInvocationMessage, PingMessage,
                                CloseMessage, AckMessage, SequenceMessage>;

// The wire type number of a message.
MessageType TypeOf(const HubMessage& message);

}  // namespace hubgate::hubcore
