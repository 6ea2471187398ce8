#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/ops/net.h"

namespace hubgate::gateway {

// limits.trusted_proxies: the ingresses and load balancers whose X-Forwarded-For header is
// believed, so that the per-address limits count the client behind them rather than the proxy.
// As nginx's real_ip with recursion: when the TCP peer is a trusted proxy, the client is the
// right-most X-Forwarded-For address that is not itself a trusted proxy; addresses to its left
// were written by the client and are ignored. A header that cannot be read (or a request from
// an untrusted peer) leaves the peer's address.
class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts nobody
  // Each entry is an address ("10.0.0.7", "::1") or a network ("10.0.0.0/8", "fd00::/8").
  static absl::StatusOr<TrustedProxies> Parse(const std::vector<std::string>& entries);

  bool empty() const { return v4_.empty() && v6_.empty(); }
  bool Trusts(const net::ip::address& address) const;
  // The client's address for a request from `peer` carrying `forwarded_for` (the
  // X-Forwarded-For values joined by commas, as Beast hands a repeated header; empty: none).
  std::string ClientAddress(const std::string& peer, std::string_view forwarded_for) const;

 private:
  std::vector<net::ip::network_v4> v4_;
  std::vector<net::ip::network_v6> v6_;
};

}  // namespace hubgate::gateway
