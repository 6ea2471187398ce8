#pragma once

#include <memory>
#include <string>

namespace hubgate::hubcore {

// One or more complete, encoded hub messages including their terminators (0x1E for JSON, the
// VarInt length prefix for MessagePack). Immutable once built, so every recipient of a broadcast
// shares the same bytes.
using Frame = std::string;
using FrameConstSharedPtr = std::shared_ptr<const Frame>;

inline FrameConstSharedPtr MakeFrame(std::string bytes) {
  return std::make_shared<const Frame>(std::move(bytes));
}

}  // namespace hubgate::hubcore
