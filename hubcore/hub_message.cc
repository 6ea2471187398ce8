#include "hubcore/hub_message.h"

namespace hubgate::hubcore {

MessageType TypeOf(const HubMessage& message) {
  // The variant's alternatives are declared in wire-type order, starting at 1.
  return static_cast<MessageType>(message.index() + 1);
}

}  // namespace hubgate::hubcore
