#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bench/push_load.h"

namespace hubgate::bench {

// Where nginx-nchan listens, from --nchan_url ("http://127.0.0.1:PORT").
struct NchanAddress {
  std::string host;  // an IP address literal: the client pool connects without resolving
  uint16_t port = 0;
};

// Reads an http URL with an IP address, a port and no path (or "/"); nullopt otherwise.
std::optional<NchanAddress> ParseNchanUrl(const std::string& url);

// The push side of a scenario for nginx-nchan: HTTP POSTs of the bench payload to
// /pub/<channel> over `connections` keep-alive connections, one request in flight on each
// (HTTP/1.1 has no multiplexing), so N connections stand for N calls in flight of PushLoad.
// One thread with its own io_context drives them all; Beast stays in the .cc file.
class NchanPublishLoad {
 public:
  NchanPublishLoad(NchanAddress address, int connections);

  // Publishes options.pushes messages, message k to channel options.group_of(k), paced by
  // options.rate like PushLoad::Send. queued_connections sums the "subscribers" nchan reports
  // per publish (the deliveries to expect); a non-2xx answer or a broken connection counts as
  // failed (the connection is opened again for the next message).
  PushLoad::CallStats Send(const PushLoad::SendOptions& options);

 private:
  NchanAddress address_;
  int connections_;
};

}  // namespace hubgate::bench
