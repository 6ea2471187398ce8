#pragma once

#include <cstddef>
#include <vector>

#include "hubcore/frame.h"
#include "hubcore/hub_message.h"

namespace hubgate::hubcore {

// Pushes that reach a connection while its backend's OnConnected runs (which may itself send to
// the connection): kept in order, within the send-queue bound, and written after the handshake
// answer. Beyond the bound a push is not kept and the overflow is remembered, so that the
// slow-consumer policy applies once the connection is open.
class HeldPushes {
 public:
  struct Push {
    FrameConstSharedPtr frame;
    MessageType type;
  };

  void Hold(FrameConstSharedPtr frame, MessageType type, size_t bound);
  // Everything held, in order; the holder is empty afterwards.
  std::vector<Push> TakeAll();
  // Whether a push was refused since the last call.
  bool TakeOverflow();
  void Clear();

 private:
  std::vector<Push> pushes_;
  size_t bytes_ = 0;
  bool overflowed_ = false;
};

}  // namespace hubgate::hubcore
