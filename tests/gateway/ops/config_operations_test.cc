// Configuration of the operational options: admin endpoint, log format, shutdown timings.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "gateway/ops/config.h"

namespace hubgate::gateway {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(ConfigOperationsTest, Defaults) {
  GatewayConfig config = DefaultConfig();
  EXPECT_EQ(config.admin_listen, "0.0.0.0:9090");
  EXPECT_EQ(config.log_format, "text");
  EXPECT_EQ(config.shutdown.drain_window, 10s);
  EXPECT_EQ(config.shutdown.deadline, 25s);
  EXPECT_TRUE(FinalizeConfig(config).ok());
}

TEST(ConfigOperationsTest, Parses) {
  auto config = ParseConfigYaml(
      "admin:\n  listen: \"127.0.0.1:9100\"\nlog:\n  format: json\n  level: warn\n"
      "shutdown:\n  drain_window: 2s\n  deadline: 1m\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->admin_listen, "127.0.0.1:9100");
  EXPECT_EQ(config->log_format, "json");
  EXPECT_EQ(config->log_level, "warn");
  EXPECT_EQ(config->shutdown.drain_window, 2s);
  EXPECT_EQ(config->shutdown.deadline, 60s);
  EXPECT_TRUE(FinalizeConfig(*config).ok());
}

TEST(ConfigOperationsTest, EmptyAdminListenTurnsTheEndpointOff) {
  auto config = ParseConfigYaml("admin:\n  listen: \"\"\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->admin_listen, "");
  EXPECT_TRUE(FinalizeConfig(*config).ok());
}

TEST(ConfigOperationsTest, BadValuesNameKeyAndLine) {
  auto config = ParseConfigYaml("log:\n  format: xml\n");
  EXPECT_THAT(config.status().message(), HasSubstr("log.format (line 2): expected text or json"));
  config = ParseConfigYaml("admin:\n  listen: nowhere\n");
  EXPECT_THAT(config.status().message(), HasSubstr("admin.listen (line 2)"));
  config = ParseConfigYaml("shutdown:\n  deadline: 10\n");
  EXPECT_THAT(config.status().message(), HasSubstr("shutdown.deadline (line 2)"));
  config = ParseConfigYaml("shutdown:\n  grace: 10s\n");
  EXPECT_THAT(config.status().message(), HasSubstr("shutdown.grace (line 2): unknown key"));
}

TEST(ConfigOperationsTest, DrainWindowMustEndBeforeTheDeadline) {
  auto config = ParseConfigYaml("shutdown:\n  drain_window: 30s\n  deadline: 30s\n");
  ASSERT_TRUE(config.ok());
  absl::Status status = FinalizeConfig(*config);
  EXPECT_THAT(status.message(), HasSubstr("shutdown.drain_window: must be shorter"));
}

TEST(ConfigOperationsTest, EnvironmentOverrides) {
  setenv("HUBGATE_ADMIN_LISTEN", "127.0.0.1:0", 1);
  setenv("HUBGATE_LOG_FORMAT", "json", 1);
  setenv("HUBGATE_SHUTDOWN_DRAIN_WINDOW", "1s", 1);
  setenv("HUBGATE_SHUTDOWN_DEADLINE", "3s", 1);
  GatewayConfig config = DefaultConfig();
  absl::Status status = FinalizeConfig(config);
  unsetenv("HUBGATE_ADMIN_LISTEN");
  unsetenv("HUBGATE_LOG_FORMAT");
  unsetenv("HUBGATE_SHUTDOWN_DRAIN_WINDOW");
  unsetenv("HUBGATE_SHUTDOWN_DEADLINE");
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(config.admin_listen, "127.0.0.1:0");
  EXPECT_EQ(config.log_format, "json");
  EXPECT_EQ(config.shutdown.drain_window, 1s);
  EXPECT_EQ(config.shutdown.deadline, 3s);

  setenv("HUBGATE_LOG_FORMAT", "xml", 1);
  config = DefaultConfig();
  status = FinalizeConfig(config);
  unsetenv("HUBGATE_LOG_FORMAT");
  EXPECT_THAT(status.message(), HasSubstr("HUBGATE_LOG_FORMAT"));
}

}  // namespace
}  // namespace hubgate::gateway
