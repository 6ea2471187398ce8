// TrustedProxies: which peers' X-Forwarded-For is believed, and which address it yields.
#include "gateway/ops/trusted_proxies.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hubgate::gateway {
namespace {

using ::testing::HasSubstr;

TrustedProxies Parsed(const std::vector<std::string>& entries) {
  auto proxies = TrustedProxies::Parse(entries);
  EXPECT_TRUE(proxies.ok()) << proxies.status();
  return proxies.ok() ? *std::move(proxies) : TrustedProxies();
}

TEST(TrustedProxiesTest, AddressesAndNetworksOfBothFamilies) {
  TrustedProxies proxies = Parsed({"10.0.0.0/8", "192.0.2.7", "fd00::/8", "::1"});
  auto trusts = [&](const char* address) {
    return proxies.Trusts(net::ip::make_address(address));
  };
  EXPECT_TRUE(trusts("10.200.3.4"));
  EXPECT_TRUE(trusts("192.0.2.7"));
  EXPECT_FALSE(trusts("192.0.2.8"));
  EXPECT_FALSE(trusts("11.0.0.1"));
  EXPECT_TRUE(trusts("fd12::1"));
  EXPECT_TRUE(trusts("::1"));
  EXPECT_FALSE(trusts("fe80::1"));
  EXPECT_TRUE(trusts("::ffff:10.1.1.1"));  // an IPv4 peer on a dual-stack socket
  EXPECT_TRUE(TrustedProxies().empty());
}

TEST(TrustedProxiesTest, BadEntriesAreNamed) {
  for (const char* bad : {"10.0.0.0/33", "ten", "10.0.0.1/8x", "", "::g"}) {
    auto proxies = TrustedProxies::Parse({bad});
    ASSERT_FALSE(proxies.ok()) << bad;
    EXPECT_THAT(proxies.status().message(), HasSubstr("is not an IP address or network"));
  }
}

TEST(TrustedProxiesTest, TheRightMostUntrustedForwardedAddressIsTheClient) {
  TrustedProxies proxies = Parsed({"127.0.0.1", "10.0.0.0/8"});
  // From a trusted peer: skip the trusted hops from the right.
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", "203.0.113.9, 198.51.100.1, 10.0.0.2"),
            "198.51.100.1");
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", "198.51.100.1"), "198.51.100.1");
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", " 2001:db8::5 "), "2001:db8::5");
  // Every hop trusted: the left-most one.
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", "10.0.0.9,10.0.0.2"), "10.0.0.9");
  // No header, or garbage where the next hop should be: the last address we could believe.
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", ""), "127.0.0.1");
  EXPECT_EQ(proxies.ClientAddress("127.0.0.1", "unknown, 10.0.0.3"), "10.0.0.3");
  // From an untrusted peer the header is the client's own word: ignored.
  EXPECT_EQ(proxies.ClientAddress("198.51.100.1", "203.0.113.9"), "198.51.100.1");
  EXPECT_EQ(TrustedProxies().ClientAddress("127.0.0.1", "203.0.113.9"), "127.0.0.1");
}

}  // namespace
}  // namespace hubgate::gateway
