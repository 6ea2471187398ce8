#include "gateway/ops/listen_address.h"

#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

TEST(ParseListenAddressTest, AcceptsHostPortForms) {
  auto v4 = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->port(), 8080);
  EXPECT_TRUE(v4->address().is_v4());
  auto v6 = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->address().is_v6());
  auto any = ParseListenAddress(":9000");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->address().to_string(), "0.0.0.0");
  EXPECT_EQ(ParseListenAddress("localhost:1")->address().to_string(), "127.0.0.1");
}

TEST(ParseListenAddressTest, RejectsMalformedAddresses) {
  EXPECT_FALSE(ParseListenAddress("8080").ok());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:http").ok());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:70000").ok());
  EXPECT_FALSE(ParseListenAddress("example.com:80").ok());
}

}  // namespace
}  // namespace hubgate::gateway
