#include "hubcore/serialized_message.h"

#include "hubcore/check.h"
#include "hubcore/json_hub_protocol.h"
#include "hubcore/messagepack_hub_protocol.h"

namespace hubgate::hubcore {

FrameConstSharedPtr EncodeFrame(const HubMessage& message, HubProtocol protocol) {
  std::string bytes;
  switch (protocol) {
    case HubProtocol::kJson:
      JsonHubProtocol::Write(message, &bytes);
      break;
    case HubProtocol::kMessagePack:
      MessagePackHubProtocol::Write(message, &bytes);
      break;
  }
  return MakeFrame(std::move(bytes));
}

SerializedMessage::SerializedMessage(MessageType type, FrameConstSharedPtr json_frame,
                                     FrameConstSharedPtr messagepack_frame)
    : type_(type) {
  HUBGATE_CHECK(json_frame != nullptr && messagepack_frame != nullptr,
                "a pre-encoded message needs a frame for every protocol");
  FrameConstSharedPtr frames[kHubProtocolCount] = {std::move(json_frame),
                                                   std::move(messagepack_frame)};
  for (int i = 0; i < kHubProtocolCount; ++i) {
    slots_[i].frame = std::move(frames[i]);
    slots_[i].ready.store(true, std::memory_order_release);
  }
}

const HubMessage& SerializedMessage::message() const {
  HUBGATE_CHECK(message_.has_value(), "a pre-encoded message has no HubMessage");
  return *message_;
}

const FrameConstSharedPtr& SerializedMessage::FrameFor(HubProtocol protocol) const {
  Slot& slot = slots_[static_cast<int>(protocol)];
  if (!slot.ready.load(std::memory_order_acquire)) {
    std::call_once(slot.once, [&] {
      slot.frame = EncodeFrame(*message_, protocol);
      slot.ready.store(true, std::memory_order_release);
    });
  }
  return slot.frame;
}

}  // namespace hubgate::hubcore
