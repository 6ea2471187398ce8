#include "hubcore/held_pushes.h"

#include <utility>

#include "hubcore/queue_bound.h"

namespace hubgate::hubcore {

void HeldPushes::Hold(FrameConstSharedPtr frame, MessageType type, size_t bound) {
  const size_t size = frame->size();
  if (!FitsQueueBound(bytes_, size, bound)) {
    overflowed_ = true;
    return;
  }
  bytes_ += size;
  pushes_.push_back(Push{std::move(frame), type});
}

std::vector<HeldPushes::Push> HeldPushes::TakeAll() {
  std::vector<Push> taken = std::move(pushes_);
  pushes_.clear();
  bytes_ = 0;
  return taken;
}

bool HeldPushes::TakeOverflow() { return std::exchange(overflowed_, false); }

void HeldPushes::Clear() {
  pushes_.clear();
  bytes_ = 0;
}

}  // namespace hubgate::hubcore
