#pragma once

#include "gateway/ops/net.h"

namespace hubgate::gateway {

// A list of buffers (a session's reused std::vector<net::const_buffer>) seen as a buffer
// sequence. Asio and Beast copy the sequence they are given into their write operations and into
// the views they build over it; copying this view copies two pointers, where a std::vector would
// be copied (allocated) each time. The list must outlive the write.
struct BufferListView {
  using value_type = net::const_buffer;
  using const_iterator = const net::const_buffer*;
  const net::const_buffer* first;
  const net::const_buffer* last;
  const_iterator begin() const { return first; }
  const_iterator end() const { return last; }
};

}  // namespace hubgate::gateway
