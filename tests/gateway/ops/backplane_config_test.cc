// The backplane section, its HUBGATE_BACKPLANE_* overrides and rules, and the refused
// look-alikes (a top-level `redis` section, HUBGATE_REDIS_*).
#include "gateway/ops/backplane_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "gateway/ops/config.h"
#include "tests/mocks/scoped_env.h"

namespace hubgate::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

using ::hubgate::test_support::ScopedEnv;

absl::StatusOr<GatewayConfig> Load(const std::string& yaml) {
  absl::StatusOr<GatewayConfig> config = ParseConfigYaml(yaml);
  if (!config.ok()) return config;
  if (absl::Status s = FinalizeConfig(*config); !s.ok()) return s;
  return config;
}

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef";

std::string Backplane(const std::string& extra) {
  return std::string("http:\n  listen: 127.0.0.1:8080\nbackplane:\n  type: redis\n"
                     "  addresses: [\"127.0.0.1:6379\"]\n  token_secret: ") +
         kSecret + "\n" + extra;
}

TEST(BackplaneConfigTest, OffByDefault) {
  auto config = Load("");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->backplane.enabled());
}

TEST(BackplaneConfigTest, EveryKeyIsRead) {
  auto config = Load(Backplane(
      "  cluster: true\n  channel_prefix: shop\n  user: gw\n  password: pw\n"
      "  advertise_address: 10.0.0.7:8080\n  replica_id: pod-1\n  request_timeout: 2s\n"));
  ASSERT_TRUE(config.ok()) << config.status();
  const BackplaneConfig& backplane = config->backplane;
  EXPECT_TRUE(backplane.enabled());
  EXPECT_THAT(backplane.addresses, ElementsAre("127.0.0.1:6379"));
  EXPECT_TRUE(backplane.cluster);
  EXPECT_EQ(backplane.channel_prefix, "shop");
  EXPECT_EQ(backplane.user, "gw");
  EXPECT_EQ(backplane.password, "pw");
  EXPECT_EQ(backplane.token_secret, kSecret);
  EXPECT_EQ(backplane.advertise_address, "10.0.0.7:8080");
  EXPECT_EQ(backplane.replica_id, "pod-1");
  EXPECT_EQ(backplane.request_timeout, std::chrono::seconds(2));
}

TEST(BackplaneConfigTest, MistakesAreNamed) {
  struct Case {
    std::string yaml;
    std::string error;
  };
  const Case cases[] = {
      {"backplane:\n  type: memcached\n", "backplane.type (line 2): expected redis"},
      {"backplane:\n  addresses: [\"a:1\"]\n", "backplane.type"},
      {"backplane:\n  type: redis\n  colour: red\n", "colour"},
      {"http:\n  listen: 127.0.0.1:1\nbackplane:\n  type: redis\n  token_secret: " +
           std::string(kSecret) + "\n",
       "backplane.addresses: at least one"},
      {Backplane("  cluster: maybe\n"), "backplane.cluster"},
      {"http:\n  listen: 127.0.0.1:1\nbackplane:\n  type: redis\n  addresses: [\"redis\"]\n"
       "  token_secret: " + std::string(kSecret) + "\n",
       "'redis' is not host:port"},
      {"http:\n  listen: 127.0.0.1:1\nbackplane:\n  type: redis\n  addresses: [\"r:6379\"]\n"
       "  token_secret: short\n",
       "backplane.token_secret: at least 32 bytes"},
      {Backplane("  advertise_address: 0.0.0.0:8080\n"), "backplane.advertise_address"},
      {Backplane("  replica_id: \"a b\"\n"), "backplane.replica_id"},
  };
  for (const Case& c : cases) {
    auto config = Load(c.yaml);
    ASSERT_FALSE(config.ok()) << c.yaml;
    EXPECT_THAT(config.status().message(), HasSubstr(c.error)) << c.yaml;
  }
}

TEST(BackplaneConfigTest, AdvertiseAddressIsRequiredWithAWildcardListener) {
  auto config = Load(
      std::string("backplane:\n  type: redis\n  addresses: [\"r:6379\"]\n  token_secret: ") +
      kSecret + "\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("backplane.advertise_address: required when http.listen binds every "
                        "interface"));
}

TEST(BackplaneConfigTest, EnvironmentConfiguresIt) {
  ScopedEnv addresses("HUBGATE_BACKPLANE_ADDRESSES", "r1:7000, r2:7000");
  ScopedEnv cluster("HUBGATE_BACKPLANE_CLUSTER", "true");
  ScopedEnv secret("HUBGATE_BACKPLANE_TOKEN_SECRET", kSecret);
  ScopedEnv password("HUBGATE_BACKPLANE_PASSWORD", "pw");
  ScopedEnv advertise("HUBGATE_BACKPLANE_ADVERTISE_ADDRESS", "10.1.2.3:8080");
  ScopedEnv replica("HUBGATE_BACKPLANE_REPLICA_ID", "hubgate-7f9c");
  auto config = Load("");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->backplane.type, "redis");
  EXPECT_THAT(config->backplane.addresses, ElementsAre("r1:7000", "r2:7000"));
  EXPECT_TRUE(config->backplane.cluster);
  EXPECT_EQ(config->backplane.password, "pw");
  EXPECT_EQ(config->backplane.advertise_address, "10.1.2.3:8080");
  EXPECT_EQ(config->backplane.replica_id, "hubgate-7f9c");
}

TEST(BackplaneConfigTest, ClusterVariableMustBeABoolean) {
  ScopedEnv cluster("HUBGATE_BACKPLANE_CLUSTER", "yes");
  auto config = Load("");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("environment HUBGATE_BACKPLANE_CLUSTER: expected true or false"));
}

TEST(UnsupportedSettingsTest, TopLevelRedisPointsAtTheBackplaneSection) {
  auto config = ParseConfigYaml("redis:\n  address: redis:6379\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("redis (line 2)"));
  EXPECT_THAT(config.status().message(), HasSubstr("backplane: {type: redis"));
}

TEST(UnsupportedSettingsTest, RedisEnvironmentPointsAtTheBackplaneVariables) {
  ScopedEnv redis("HUBGATE_REDIS_ADDRESS", "redis:6379");
  GatewayConfig config = DefaultConfig();
  absl::Status status = FinalizeConfig(config);
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(status.message(),
              HasSubstr("environment HUBGATE_REDIS_ADDRESS: Redis is configured with "
                        "HUBGATE_BACKPLANE_ADDRESSES"));
}

}  // namespace
}  // namespace hubgate::gateway
