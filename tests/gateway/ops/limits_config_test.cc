#include "gateway/ops/config.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

TEST(LimitsConfigTest, DefaultsBoundTheProcessWhateverTheNetwork) {
  const GatewayConfig config = DefaultConfig();
  EXPECT_EQ(config.limits.request_header_timeout, std::chrono::seconds(10));
  EXPECT_GT(config.limits.max_unclaimed_negotiations_per_hub, 0);
  EXPECT_GT(config.limits.max_connections, 0);
  EXPECT_GT(config.limits.max_connections_per_user, 0);
  // Per address: off, since behind an ingress every client shares one address.
  EXPECT_EQ(config.limits.max_unclaimed_negotiations_per_address, 0);
  EXPECT_EQ(config.limits.connection_rate_per_address, 0);
}

TEST(LimitsConfigTest, ParsesEveryKeyAndZeroTurnsALimitOff) {
  auto config = ParseConfigYaml(R"(
limits:
  request_header_timeout: 2s
  max_unclaimed_negotiations_per_hub: 7
  max_unclaimed_negotiations_per_address: 0
  max_connections: 9
  max_connections_per_user: 3
  connection_rate_per_address: 4
  connection_burst_per_address: 5
)");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->limits.request_header_timeout, std::chrono::seconds(2));
  EXPECT_EQ(config->limits.max_unclaimed_negotiations_per_hub, 7);
  EXPECT_EQ(config->limits.max_unclaimed_negotiations_per_address, 0);
  EXPECT_EQ(config->limits.max_connections, 9);
  EXPECT_EQ(config->limits.max_connections_per_user, 3);
  EXPECT_EQ(config->limits.connection_rate_per_address, 4);
  EXPECT_EQ(config->limits.connection_burst_per_address, 5);
}

TEST(LimitsConfigTest, BadValuesNameTheKey) {
  auto negative = ParseConfigYaml("limits:\n  max_connections: -1\n");
  ASSERT_FALSE(negative.ok());
  EXPECT_NE(negative.status().message().find("limits.max_connections (line 2)"),
            std::string::npos)
      << negative.status();
  auto unknown = ParseConfigYaml("limits:\n  max_sockets: 1\n");
  EXPECT_FALSE(unknown.ok());
  GatewayConfig config = DefaultConfig();
  config.limits.connection_rate_per_address = 5;
  config.limits.connection_burst_per_address = 0;
  EXPECT_FALSE(FinalizeConfig(config).ok()) << "a rate needs room for one attempt";
}

}  // namespace
}  // namespace hubgate::gateway
