#pragma once

#include <cstddef>
#include <string>

#include "bench/proc_stats.h"

namespace hubgate::bench {

// The arguments of a bench push, the same for every target: [<send time in µs>,"xxx…"], padded
// to `bytes`. The send time (microseconds since the Unix epoch) is read now, so build it just
// before the push is issued; receivers subtract it from their own clock.
inline std::string BenchPayload(size_t bytes) {
  std::string text = "[" + std::to_string(RealtimeMicros()) + ",\"";
  const size_t tail = 2;  // "]
  if (text.size() + tail < bytes) {
    text.append(bytes - text.size() - tail, 'x');
  }
  text += "\"]";
  return text;
}

}  // namespace hubgate::bench
