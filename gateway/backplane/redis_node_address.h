#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hubgate::gateway {

// Where a Redis node listens: a host (name or IP; IPv6 without brackets) and a port.
struct RedisNodeAddress {
  std::string host;
  uint16_t port = 0;

  std::string ToString() const;  // "host:port", IPv6 hosts in brackets
  friend bool operator==(const RedisNodeAddress&, const RedisNodeAddress&) = default;
};

// Parses "host:port" (the listen-address grammar); InvalidArgument naming the text when the host
// is empty or the port is 0.
absl::StatusOr<RedisNodeAddress> ParseRedisNodeAddress(std::string_view text);

}  // namespace hubgate::gateway
