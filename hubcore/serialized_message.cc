#include "hubcore/serialized_message.h"

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

const FrameConstSharedPtr& SerializedMessage::FrameFor(HubProtocol protocol) const {
  Slot& slot = slots_[static_cast<int>(protocol)];
  if (!slot.ready.load(std::memory_order_acquire)) {
    std::call_once(slot.once, [&] {
      slot.frame = EncodeFrame(message_, protocol);
      slot.ready.store(true, std::memory_order_release);
    });
  }
  return slot.frame;
}

}  // namespace hubgate::hubcore
