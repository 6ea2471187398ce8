#include "gateway/ops/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "tests/mocks/scoped_env.h"

namespace hubgate::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr char kFullExample[] = R"(http:
  listen: "127.0.0.1:8081"
  static_dir: "web"
grpc:
  listen: "[::]:50052"
workers: 4
log:
  level: debug
port_file: "/tmp/ports.json"
auth:
  hs256_secret: "s3cret"
  rs256_public_key_pem: ""
  user_id_claims: [sub, email]
  issuer: "https://issuer.example"
  audience: "hubgate"
hubs:
  - name: posts
    path: /hubs/posts
    require_auth: true
    detailed_errors: true
    max_message_size: 65536
    max_queued_bytes: 2097152
    slow_consumer_policy: drop
    handshake_timeout: 5s
    keep_alive_interval: 10s
    client_timeout: 1m
    disconnect_timeout: 1500ms
  - name: chat
)";

using ::hubgate::test_support::ScopedEnv;

TEST(ConfigTest, DefaultConfig) {
  GatewayConfig config = DefaultConfig();
  EXPECT_EQ(config.http_listen, "0.0.0.0:8080");
  EXPECT_EQ(config.grpc_listen, "0.0.0.0:50051");
  EXPECT_EQ(config.workers, 0);
  EXPECT_FALSE(config.auth.enabled());
  ASSERT_EQ(config.hubs.size(), 1u);
  EXPECT_EQ(config.hubs[0].name, "posts");
  EXPECT_EQ(config.hubs[0].path, "/hubs/posts");
  EXPECT_FALSE(config.hubs[0].require_auth);
  EXPECT_TRUE(FinalizeConfig(config).ok());
}

TEST(ConfigTest, EmptyYamlGivesDefaults) {
  absl::StatusOr<GatewayConfig> config = ParseConfigYaml("");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->hubs.size(), 1u);
  EXPECT_EQ(config->hubs[0].path, "/hubs/posts");
}

TEST(ConfigTest, OmittedHubsUseDefaultHub) {
  absl::StatusOr<GatewayConfig> config = ParseConfigYaml("workers: 2\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->workers, 2);
  ASSERT_EQ(config->hubs.size(), 1u);
  EXPECT_EQ(config->hubs[0].name, "posts");
}

TEST(ConfigTest, FullExampleParses) {
  absl::StatusOr<GatewayConfig> config = ParseConfigYaml(kFullExample);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->http_listen, "127.0.0.1:8081");
  EXPECT_EQ(config->static_dir, "web");
  EXPECT_EQ(config->grpc_listen, "[::]:50052");
  EXPECT_EQ(config->workers, 4);
  EXPECT_EQ(config->log_level, "debug");
  EXPECT_EQ(config->port_file, "/tmp/ports.json");
  EXPECT_EQ(config->auth.hs256_secret, "s3cret");
  EXPECT_THAT(config->auth.user_id_claims, ElementsAre("sub", "email"));
  EXPECT_EQ(config->auth.issuer, "https://issuer.example");
  EXPECT_EQ(config->auth.audience, "hubgate");
  ASSERT_EQ(config->hubs.size(), 2u);
  const hubcore::HubOptions& posts = config->hubs[0];
  EXPECT_EQ(posts.name, "posts");
  EXPECT_TRUE(posts.require_auth);
  EXPECT_TRUE(posts.detailed_errors);
  EXPECT_EQ(posts.max_message_size, 65536u);
  EXPECT_EQ(posts.max_queued_bytes, 2097152u);
  EXPECT_EQ(posts.slow_consumer_policy, hubcore::SlowConsumerPolicy::kDrop);
  EXPECT_EQ(posts.handshake_timeout, 5s);
  EXPECT_EQ(posts.keep_alive_interval, 10s);
  EXPECT_EQ(posts.client_timeout, 60s);
  EXPECT_EQ(posts.disconnect_timeout, 1500ms);
  const hubcore::HubOptions& chat = config->hubs[1];
  EXPECT_EQ(chat.name, "chat");
  EXPECT_EQ(chat.path, "/hubs/chat");  // defaulted from the name
  EXPECT_EQ(chat.max_message_size, 32u * 1024);
  EXPECT_EQ(chat.client_timeout, 30s);
  EXPECT_TRUE(FinalizeConfig(*config).ok());
}

TEST(ConfigTest, UnknownKeyNamesPathAndLine) {
  absl::StatusOr<GatewayConfig> config =
      ParseConfigYaml("http:\n  listen: \"0.0.0.0:1\"\n  lisen: \"0.0.0.0:2\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("http.lisen (line 3): unknown key"));

  config = ParseConfigYaml("hubs:\n  - name: a\n    require_auht: true\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("hubs[0].require_auht (line 3)"));

  config = ParseConfigYaml("wokers: 2\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("wokers (line 1): unknown key"));
}

TEST(ConfigTest, BadValuesNamePathAndLine) {
  absl::StatusOr<GatewayConfig> config =
      ParseConfigYaml("hubs:\n  - name: a\n    max_message_size: -5\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("hubs[0].max_message_size (line 3): expected a positive integer"));

  config = ParseConfigYaml("workers: 1000\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("workers (line 1)"));

  config = ParseConfigYaml("grpc:\n  listen: \"50051\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("grpc.listen (line 2)"));

  config = ParseConfigYaml("log:\n  level: verbose\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("log.level (line 2)"));

  config = ParseConfigYaml("hubs:\n  - name: a\n    slow_consumer_policy: block\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("hubs[0].slow_consumer_policy (line 3)"));
}

TEST(ConfigTest, BadDuration) {
  absl::StatusOr<GatewayConfig> config =
      ParseConfigYaml("hubs:\n  - name: a\n    path: /a\n    keep_alive_interval: 15\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("hubs[0].keep_alive_interval (line 4)"));

  config = ParseConfigYaml("hubs:\n  - name: a\n    client_timeout: 0s\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("hubs[0].client_timeout (line 3)"));
}

TEST(ConfigTest, YamlSyntaxErrorReportsLine) {
  absl::StatusOr<GatewayConfig> config = ParseConfigYaml("http:\n  listen: [oops\n");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("line "));
}

TEST(ConfigTest, DuplicateKeyRejected) {
  absl::StatusOr<GatewayConfig> config = ParseConfigYaml("workers: 1\nworkers: 2\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("workers (line 2): duplicate key"));
}

TEST(ConfigTest, MissingValueReportsKeyLine) {
  absl::StatusOr<GatewayConfig> config = ParseConfigYaml("http:\n  listen:\nworkers: 1\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("http.listen (line 2): missing value"));
}

TEST(ConfigTest, DuplicateHubPathRejected) {
  absl::StatusOr<GatewayConfig> config =
      ParseConfigYaml("hubs:\n  - name: a\n    path: /hubs/x\n  - name: b\n    path: /hubs/X\n");
  ASSERT_TRUE(config.ok()) << config.status();
  absl::Status status = FinalizeConfig(*config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("hubs[1].path: duplicate hub path"));
}

TEST(ConfigTest, DuplicateHubNameAndRootPathRejected) {
  absl::StatusOr<GatewayConfig> config =
      ParseConfigYaml("hubs:\n  - name: a\n  - name: a\n    path: /other\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(FinalizeConfig(*config).message(), HasSubstr("hubs[1].name: duplicate hub name"));

  config = ParseConfigYaml("hubs:\n  - name: a\n    path: /\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("hubs[0].path (line 3)"));
}

TEST(ConfigTest, RequireAuthWithoutKeysRejected) {
  absl::StatusOr<GatewayConfig> config =
      ParseConfigYaml("hubs:\n  - name: a\n    require_auth: true\n");
  ASSERT_TRUE(config.ok()) << config.status();
  absl::Status status = FinalizeConfig(*config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("hubs[0].require_auth"));
}

TEST(ConfigTest, EnvOverridesSecret) {
  absl::StatusOr<GatewayConfig> config =
      ParseConfigYaml("hubs:\n  - name: a\n    require_auth: true\n");
  ASSERT_TRUE(config.ok()) << config.status();
  ScopedEnv secret("HUBGATE_AUTH_HS256_SECRET", "from-env");
  ScopedEnv workers("HUBGATE_WORKERS", "3");
  ScopedEnv listen("HUBGATE_HTTP_LISTEN", "127.0.0.1:0");
  ASSERT_TRUE(FinalizeConfig(*config).ok());
  EXPECT_EQ(config->auth.hs256_secret, "from-env");
  EXPECT_TRUE(config->auth.enabled());
  EXPECT_EQ(config->workers, 3);
  EXPECT_EQ(config->http_listen, "127.0.0.1:0");
}

TEST(ConfigTest, BadEnvOverrideRejected) {
  GatewayConfig config = DefaultConfig();
  ScopedEnv workers("HUBGATE_WORKERS", "many");
  EXPECT_THAT(FinalizeConfig(config).message(), HasSubstr("HUBGATE_WORKERS"));
}

TEST(ConfigTest, PublicKeyFileIsRead) {
  const std::string path = ::testing::TempDir() + "/hubgate_config_test_key.pem";
  {
    std::ofstream out(path);
    out << "-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n";
  }
  GatewayConfig config = DefaultConfig();
  config.auth.rs256_public_key_file = path;
  ASSERT_TRUE(FinalizeConfig(config).ok());
  EXPECT_THAT(config.auth.rs256_public_key_pem, HasSubstr("BEGIN PUBLIC KEY"));
  EXPECT_TRUE(config.auth.enabled());
  std::remove(path.c_str());

  GatewayConfig missing = DefaultConfig();
  missing.auth.rs256_public_key_file = path + ".missing";
  EXPECT_THAT(FinalizeConfig(missing).message(), HasSubstr("auth.rs256_public_key_file"));
}

TEST(ConfigTest, LoadConfigFileNamesFileInErrors) {
  EXPECT_EQ(LoadConfigFile("/nonexistent/hubgate.yaml").status().code(),
            absl::StatusCode::kNotFound);
  const std::string path = ::testing::TempDir() + "/hubgate_config_test.yaml";
  {
    std::ofstream out(path);
    out << "http:\n  listen: \"0.0.0.0:9\"\nbogus: 1\n";
  }
  absl::StatusOr<GatewayConfig> config = LoadConfigFile(path);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("bogus (line 3): unknown key"));
  EXPECT_THAT(config.status().message(), HasSubstr(path));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace hubgate::gateway
