#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

#include "hubcore/frame.h"
#include "hubcore/hub_message.h"
#include "hubcore/hub_protocol.h"

namespace hubgate::hubcore {

// A message on its way to many connections. Each protocol's frame is encoded the first time a
// recipient of that protocol asks for it, at most once, and then shared by every such recipient
// (the idea of ASP.NET Core's SerializedHubMessage). Safe to use from several threads.
//
// A message that arrives already encoded for every protocol (from another replica, over the
// backplane) is built from its frames and has no HubMessage.
class SerializedMessage {
 public:
  explicit SerializedMessage(HubMessage message)
      : message_(std::move(message)), type_(TypeOf(*message_)) {}
  // Both frames non-null (crashes otherwise).
  SerializedMessage(MessageType type, FrameConstSharedPtr json_frame,
                    FrameConstSharedPtr messagepack_frame);

  // Only for a message built from a HubMessage (crashes otherwise).
  const HubMessage& message() const;
  MessageType type() const { return type_; }
  const FrameConstSharedPtr& FrameFor(HubProtocol protocol) const;

 private:
  struct Slot {
    // Set (release) once `frame` is built: the fan-out loop asks once per recipient, and a load
    // is cheaper than std::call_once's fast path (which also writes thread-local state).
    std::atomic<bool> ready{false};
    std::once_flag once;
    FrameConstSharedPtr frame;
  };
  std::optional<HubMessage> message_;
  MessageType type_;
  mutable std::array<Slot, kHubProtocolCount> slots_;
};

using SerializedMessageConstSharedPtr = std::shared_ptr<const SerializedMessage>;

// Encodes one message for one protocol (frame includes its terminator / length prefix).
FrameConstSharedPtr EncodeFrame(const HubMessage& message, HubProtocol protocol);

}  // namespace hubgate::hubcore
