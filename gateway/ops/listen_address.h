#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "gateway/ops/net.h"

namespace hubgate::gateway {

// A listen address as the configuration writes it: "host:port". The host is an IPv4 address, a
// bracketed IPv6 address ("[::]:8080"), a name, or empty or "*" for all interfaces (":8080");
// the port is 0..65535, 0 picking a free port. The one parser for every listen address (HTTP,
// admin, gRPC), so that the configuration check and the listeners agree on what is valid.
struct ListenAddress {
  std::string host;  // as written, IPv6 without its brackets; "" or "*": all interfaces
  uint16_t port = 0;

  bool all_interfaces() const { return host.empty() || host == "*"; }
};

// Splits a listen address (Boost.URL's authority grammar, without user info). InvalidArgument
// naming the address when it does not have the form above.
absl::StatusOr<ListenAddress> SplitListenAddress(std::string_view listen);

// The endpoint a listener binds. Beyond SplitListenAddress, the host must be an IP address,
// "localhost" (127.0.0.1) or all interfaces (0.0.0.0): the gateway's own listeners do not
// resolve names.
absl::StatusOr<tcp::endpoint> ParseListenAddress(std::string_view listen);

// The address as gRPC's server builder takes it: gRPC resolves names itself but refuses an
// empty host, so all interfaces become 0.0.0.0 as for the other listeners.
absl::StatusOr<std::string> GrpcListenAddress(std::string_view listen);

}  // namespace hubgate::gateway
