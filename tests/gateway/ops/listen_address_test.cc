#include "gateway/ops/listen_address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hubgate::gateway {
namespace {

using ::testing::HasSubstr;

TEST(SplitListenAddressTest, SplitsHostAndPort) {
  auto v4 = SplitListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 8080);
  auto v6 = SplitListenAddress("[::1]:0");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "::1");  // without its brackets
  auto name = SplitListenAddress("grpc.internal:50051");
  ASSERT_TRUE(name.ok()) << name.status();
  EXPECT_EQ(name->host, "grpc.internal");
  EXPECT_FALSE(name->all_interfaces());
  EXPECT_EQ(SplitListenAddress("127.0.0.1:65535")->port, 65535);
}

TEST(SplitListenAddressTest, EmptyHostAndStarMeanAllInterfaces) {
  auto empty = SplitListenAddress(":8080");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->all_interfaces());
  EXPECT_EQ(empty->port, 8080);
  auto star = SplitListenAddress("*:8080");
  ASSERT_TRUE(star.ok()) << star.status();
  EXPECT_TRUE(star->all_interfaces());
}

TEST(SplitListenAddressTest, RejectsWhatIsNotHostColonPort) {
  for (const char* bad : {"8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:70000",
                          "127.0.0.1:99999999999", "::1:8080", "[::1]", "[::1:8080",
                          "user@127.0.0.1:80", "a%20b:80", "", ":", "[v1.x]:80"}) {
    EXPECT_FALSE(SplitListenAddress(bad).ok()) << bad;
  }
  EXPECT_THAT(SplitListenAddress("8080").status().message(),
              HasSubstr("listen address '8080': expected host:port"));
  EXPECT_THAT(SplitListenAddress("h:70000").status().message(), HasSubstr("0..65535"));
}

TEST(ParseListenAddressTest, AcceptsHostPortForms) {
  auto v4 = ParseListenAddress("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->port(), 8080);
  EXPECT_TRUE(v4->address().is_v4());
  auto v6 = ParseListenAddress("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_TRUE(v6->address().is_v6());
  EXPECT_EQ(v6->address().to_string(), "::1");
  EXPECT_EQ(ParseListenAddress("[::]:1")->address().to_string(), "::");
  EXPECT_EQ(ParseListenAddress("localhost:1")->address().to_string(), "127.0.0.1");
}

TEST(ParseListenAddressTest, EmptyHostAndStarBindAllIpv4Interfaces) {
  for (const char* any : {":9000", "*:9000", "0.0.0.0:9000"}) {
    auto endpoint = ParseListenAddress(any);
    ASSERT_TRUE(endpoint.ok()) << any << ": " << endpoint.status();
    EXPECT_EQ(endpoint->address().to_string(), "0.0.0.0") << any;
    EXPECT_EQ(endpoint->port(), 9000) << any;
  }
}

TEST(ParseListenAddressTest, RejectsMalformedAddressesAndNames) {
  EXPECT_FALSE(ParseListenAddress("8080").ok());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:http").ok());
  EXPECT_FALSE(ParseListenAddress("127.0.0.1:70000").ok());
  EXPECT_FALSE(ParseListenAddress("::1:8080").ok());  // IPv6 hosts need brackets
  // The gateway's own listeners do not resolve names.
  EXPECT_THAT(ParseListenAddress("example.com:80").status().message(),
              HasSubstr("host must be an IP address"));
}

TEST(GrpcListenAddressTest, GivesGrpcAnAddressItAccepts) {
  // gRPC refuses an empty host; it means all interfaces here as for the other listeners.
  EXPECT_EQ(*GrpcListenAddress(":50051"), "0.0.0.0:50051");
  // Everything else goes to gRPC as written (it resolves names and takes "*" itself).
  for (const char* same : {"0.0.0.0:50051", "[::]:50051", "*:50051", "localhost:0",
                           "grpc.internal:50051"}) {
    EXPECT_EQ(*GrpcListenAddress(same), same);
  }
  EXPECT_FALSE(GrpcListenAddress("50051").ok());
}

}  // namespace
}  // namespace hubgate::gateway
