#include "gateway/ops/listen_address.h"

#include <boost/url/parse.hpp>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::gateway {

namespace {

constexpr std::string_view kAllInterfacesV4 = "0.0.0.0";

absl::Status ListenError(std::string_view listen, std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("listen address '", AsAbsl(listen), "': ", AsAbsl(what)));
}

}  // namespace

absl::StatusOr<ListenAddress> SplitListenAddress(std::string_view listen) {
  constexpr std::string_view kExpected = "expected host:port (bracket IPv6 hosts: [::]:8080)";
  auto authority = boost::urls::parse_authority(listen);
  if (!authority || authority->has_userinfo() || !authority->has_port()) {
    return ListenError(listen, kExpected);
  }
  ListenAddress address;
  switch (authority->host_type()) {
    case boost::urls::host_type::ipv4:
    case boost::urls::host_type::ipv6:
      address.host = std::string(authority->host_address());
      break;
    case boost::urls::host_type::name:
      // A name is taken as written: percent-escapes have no place in a listen address.
      if (authority->encoded_host().find('%') != std::string_view::npos) {
        return ListenError(listen, kExpected);
      }
      address.host = std::string(authority->encoded_host());
      break;
    default:  // IPvFuture ("[v1.x]") and the like
      return ListenError(listen, kExpected);
  }
  // The grammar allows any run of digits (or none); a port is a number up to 65535.
  const std::string_view port = authority->port();
  int number = 0;
  if (port.empty() || !absl::c_all_of(port, absl::ascii_isdigit) ||
      !absl::SimpleAtoi(AsAbsl(port), &number) || number > 65535) {
    return ListenError(listen, "expected host:port with a port in 0..65535");
  }
  address.port = static_cast<uint16_t>(number);
  return address;
}

absl::StatusOr<tcp::endpoint> ParseListenAddress(std::string_view listen) {
  absl::StatusOr<ListenAddress> address = SplitListenAddress(listen);
  if (!address.ok()) {
    return address.status();
  }
  std::string_view host = address->host;
  if (address->all_interfaces()) {
    host = kAllInterfacesV4;
  } else if (host == "localhost") {
    host = "127.0.0.1";
  }
  error_code ec;
  const net::ip::address ip = net::ip::make_address(host, ec);
  if (ec) {
    return ListenError(listen, "host must be an IP address, localhost, * or empty");
  }
  return tcp::endpoint(ip, address->port);
}

absl::StatusOr<std::string> GrpcListenAddress(std::string_view listen) {
  absl::StatusOr<ListenAddress> address = SplitListenAddress(listen);
  if (!address.ok()) {
    return address.status();
  }
  if (address->host.empty()) {
    return absl::StrCat(AsAbsl(kAllInterfacesV4), ":", address->port);
  }
  return std::string(listen);
}

}  // namespace hubgate::gateway
