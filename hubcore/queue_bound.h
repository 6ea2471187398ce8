#pragma once

#include <cstddef>

namespace hubgate::hubcore {

// The one rule of every bound on frames waiting for a client (the send queue, pushes held
// during OnConnected, the stateful-reconnect hold queue): a frame fits when it keeps the waiting
// bytes within the bound, and an empty queue takes one frame of any size. A frame is shared by
// all its recipients; refusing one larger than the bound would close every one of them without
// delivering anything.
inline bool FitsQueueBound(size_t queued_bytes, size_t frame_size, size_t bound) {
  return queued_bytes == 0 || queued_bytes + frame_size <= bound;
}

}  // namespace hubgate::hubcore
