// push_api in the configuration, HUBGATE_PUSH_API_KEY, the loopback-only default of an
// unauthenticated Push API.
#include "gateway/ops/push_api_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
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

constexpr char kHubs[] = R"(
hubs:
  - name: posts
    path: /hubs/posts
  - name: chat
    path: /hubs/chat
)";

TEST(PushApiConfigTest, KeysWithScopesAreRead) {
  auto config = Load(std::string(R"(
push_api:
  keys:
    - name: notifier
      key: s3cret
      hubs: [posts]
      operations: [send, membership]
    - name: ops
      key: other
)") + kHubs);
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->push_api.keys.size(), 2u);
  EXPECT_EQ(config->push_api.keys[0].name, "notifier");
  EXPECT_EQ(config->push_api.keys[0].key, "s3cret");
  EXPECT_THAT(config->push_api.keys[0].hubs, ElementsAre("posts"));
  EXPECT_THAT(config->push_api.keys[0].operations, ElementsAre("send", "membership"));
  EXPECT_TRUE(config->push_api.has_credentials());
  // With a key the configured address is bound as it is.
  EXPECT_EQ(PushApiBindAddress(*config), "0.0.0.0:50051");
}

TEST(PushApiConfigTest, MistakesAreNamed) {
  auto unknown_operation = Load(std::string(R"(
push_api:
  keys:
    - name: k
      key: s
      operations: [send, admin]
)") + kHubs);
  ASSERT_FALSE(unknown_operation.ok());
  EXPECT_THAT(unknown_operation.status().message(),
              HasSubstr("push_api.keys[0].operations (line 6): unknown operation 'admin'"));

  auto unknown_hub = Load(std::string("push_api:\n  keys: [{name: k, key: s, hubs: [nope]}]\n") +
                          kHubs);
  ASSERT_FALSE(unknown_hub.ok());
  EXPECT_EQ(unknown_hub.status().message(),
            "push_api.keys[0]: key 'k' names hub 'nope', which is not configured");

  auto both = Load(std::string("push_api:\n  keys: [{name: k, key: s, key_file: /x}]\n") + kHubs);
  ASSERT_FALSE(both.ok());
  EXPECT_THAT(both.status().message(), HasSubstr("needs exactly one of key and key_file"));

  auto duplicate =
      Load(std::string("push_api:\n  keys: [{name: k, key: a}, {name: k, key: b}]\n") + kHubs);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_THAT(duplicate.status().message(), HasSubstr("duplicate key name 'k'"));

  auto no_file = Load(std::string("push_api:\n  keys: [{name: k, key_file: /no/such/key}]\n") +
                      kHubs);
  ASSERT_FALSE(no_file.ok());
  EXPECT_THAT(no_file.status().message(), HasSubstr("cannot open key_file /no/such/key"));

  auto half_tls = Load(std::string("push_api:\n  tls: {cert_file: /etc/hostname}\n") + kHubs);
  ASSERT_FALSE(half_tls.ok());
  EXPECT_EQ(half_tls.status().message(), "push_api.tls: set both cert_file and key_file");

  auto typo = Load(std::string("push_api:\n  key: [{name: k, key: a}]\n") + kHubs);
  ASSERT_FALSE(typo.ok());
  EXPECT_THAT(typo.status().message(), HasSubstr("push_api.key"));
}

TEST(PushApiConfigTest, EnvironmentKeyIsAFullAccessKeyNamedEnv) {
  ScopedEnv key("HUBGATE_PUSH_API_KEY", "from-the-environment");
  auto config = Load(kHubs);
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->push_api.keys.size(), 1u);
  EXPECT_EQ(config->push_api.keys[0].name, "env");
  EXPECT_EQ(config->push_api.keys[0].key, "from-the-environment");
  EXPECT_TRUE(config->push_api.keys[0].operations.empty());
  EXPECT_EQ(PushApiBindAddress(*config), "0.0.0.0:50051");
}

TEST(PushApiConfigTest, WithoutCredentialsThePushApiBindsLoopbackOnly) {
  auto config = Load(std::string("grpc:\n  listen: \"0.0.0.0:50061\"\n") + kHubs);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(PushApiBindAddress(*config), "127.0.0.1:50061");

  config = Load(std::string("grpc:\n  listen: \"[::]:0\"\n") + kHubs);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(PushApiBindAddress(*config), "127.0.0.1:0");

  for (const char* loopback : {"127.0.0.1:5", "localhost:5", "[::1]:5"}) {
    config = Load(std::string("grpc:\n  listen: \"") + loopback + "\"\n" + kHubs);
    ASSERT_TRUE(config.ok()) << config.status();
    EXPECT_EQ(PushApiBindAddress(*config), loopback);
  }

  config = Load(std::string("grpc:\n  listen: \"0.0.0.0:50061\"\n"
                            "push_api:\n  allow_unauthenticated_remote: true\n") +
                kHubs);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(PushApiBindAddress(*config), "0.0.0.0:50061");
}

TEST(PushApiConfigTest, MutualTlsCountsAsACredential) {
  const std::string pem = testing::TempDir() + "push_api_config_test.pem";
  std::ofstream(pem) << "-----BEGIN CERTIFICATE-----\n";
  auto config = Load("push_api:\n  tls: {cert_file: " + pem + ", key_file: " + pem +
                     ", client_ca_file: " + pem + "}\n" + kHubs);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->push_api.has_credentials());
  EXPECT_EQ(PushApiBindAddress(*config), "0.0.0.0:50051");
  // Server TLS alone authenticates nobody.
  config = Load("push_api:\n  tls: {cert_file: " + pem + ", key_file: " + pem + "}\n" + kHubs);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(PushApiBindAddress(*config), "127.0.0.1:50051");
  std::remove(pem.c_str());
}

}  // namespace
}  // namespace hubgate::gateway
