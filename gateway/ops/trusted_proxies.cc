#include "gateway/ops/trusted_proxies.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace hubgate::gateway {

absl::StatusOr<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries) {
  TrustedProxies proxies;
  for (const std::string& entry : entries) {
    error_code ec;
    const bool is_network = entry.find('/') != std::string::npos;
    if (entry.find(':') == std::string::npos) {
      auto network = is_network ? net::ip::make_network_v4(entry, ec)
                                : net::ip::network_v4(net::ip::make_address_v4(entry, ec), 32);
      if (!ec) {
        proxies.v4_.push_back(network.canonical());
        continue;
      }
    } else {
      auto network = is_network ? net::ip::make_network_v6(entry, ec)
                                : net::ip::network_v6(net::ip::make_address_v6(entry, ec), 128);
      if (!ec) {
        proxies.v6_.push_back(network.canonical());
        continue;
      }
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "'", entry, "' is not an IP address or network (e.g. 10.0.0.0/8, 10.1.2.3, fd00::/8)"));
  }
  return proxies;
}

bool TrustedProxies::Trusts(const net::ip::address& address) const {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return Trusts(net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6()));
  }
  // In a network when the address cut to the network's prefix is that network (entries are
  // kept canonical).
  if (address.is_v4()) {
    for (const auto& network : v4_) {
      if (net::ip::network_v4(address.to_v4(), network.prefix_length()).canonical() == network) {
        return true;
      }
    }
    return false;
  }
  for (const auto& network : v6_) {
    if (net::ip::network_v6(address.to_v6(), network.prefix_length()).canonical() == network) {
      return true;
    }
  }
  return false;
}

std::string TrustedProxies::ClientAddress(const std::string& peer,
                                          std::string_view forwarded_for) const {
  error_code ec;
  net::ip::address hop = net::ip::make_address(peer, ec);
  if (ec || empty() || !Trusts(hop)) {
    return peer;
  }
  std::vector<absl::string_view> entries =
      absl::StrSplit(absl::string_view(forwarded_for.data(), forwarded_for.size()), ',');
  std::string client = peer;
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    const absl::string_view entry = absl::StripAsciiWhitespace(*it);
    if (entry.empty()) continue;
    net::ip::address address = net::ip::make_address(std::string(entry), ec);
    if (ec) {
      break;  // unreadable: the last address we could trust stands
    }
    client = address.to_string();
    if (!Trusts(address)) {
      break;
    }
  }
  return client;
}

}  // namespace hubgate::gateway
