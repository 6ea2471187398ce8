// The hub keys about backends coming and going (issue 11): on_backend_unavailable,
// backend_failure_log_interval, backend_tls.
#include <chrono>

#include "gateway/ops/config.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

absl::StatusOr<GatewayConfig> Parse(const std::string& hub_lines) {
  return ParseConfigYaml("hubs:\n  - name: h\n    backend_target: \"127.0.0.1:1\"\n" + hub_lines);
}

TEST(ConfigBackendTest, Defaults) {
  absl::StatusOr<GatewayConfig> config = Parse("");
  ASSERT_TRUE(config.ok()) << config.status();
  const hubcore::HubOptions& hub = config->hubs.at(0);
  EXPECT_FALSE(hub.accept_when_backend_unavailable);
  EXPECT_EQ(hub.backend_failure_log_interval, std::chrono::seconds(10));
  EXPECT_FALSE(hub.backend_tls.enabled());
}

TEST(ConfigBackendTest, AcceptOrRefuse) {
  absl::StatusOr<GatewayConfig> accept = Parse("    on_backend_unavailable: accept\n");
  ASSERT_TRUE(accept.ok()) << accept.status();
  EXPECT_TRUE(accept->hubs.at(0).accept_when_backend_unavailable);
  absl::StatusOr<GatewayConfig> refuse = Parse("    on_backend_unavailable: refuse\n");
  ASSERT_TRUE(refuse.ok()) << refuse.status();
  EXPECT_FALSE(refuse->hubs.at(0).accept_when_backend_unavailable);
  absl::StatusOr<GatewayConfig> bad = Parse("    on_backend_unavailable: maybe\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "hubs[0].on_backend_unavailable (line 4): expected refuse or accept");
}

TEST(ConfigBackendTest, FailureLogInterval) {
  absl::StatusOr<GatewayConfig> config = Parse("    backend_failure_log_interval: 1m\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->hubs.at(0).backend_failure_log_interval, std::chrono::minutes(1));
}

TEST(ConfigBackendTest, BackendTls) {
  absl::StatusOr<GatewayConfig> config = Parse(
      "    backend_tls:\n      ca_file: /etc/ca.pem\n      cert_file: /etc/c.pem\n"
      "      key_file: /etc/c.key\n");
  ASSERT_TRUE(config.ok()) << config.status();
  const hubcore::HubOptions::BackendTls& tls = config->hubs.at(0).backend_tls;
  EXPECT_TRUE(tls.enabled());
  EXPECT_EQ(tls.ca_file, "/etc/ca.pem");
  EXPECT_EQ(tls.cert_file, "/etc/c.pem");
  EXPECT_EQ(tls.key_file, "/etc/c.key");
}

TEST(ConfigBackendTest, BackendTlsNeedsACaAndCertificateWithKey) {
  absl::StatusOr<GatewayConfig> no_ca = Parse("    backend_tls:\n      cert_file: /c.pem\n");
  ASSERT_FALSE(no_ca.ok());
  EXPECT_NE(no_ca.status().message().find("hubs[0].backend_tls (line 5): expected ca_file"),
            std::string::npos)
      << no_ca.status();
  absl::StatusOr<GatewayConfig> half =
      Parse("    backend_tls:\n      ca_file: /ca.pem\n      key_file: /c.key\n");
  ASSERT_FALSE(half.ok());
  EXPECT_NE(half.status().message().find("cert_file and key_file go together"), std::string::npos)
      << half.status();
  absl::StatusOr<GatewayConfig> unknown =
      Parse("    backend_tls:\n      ca_file: /ca.pem\n      verify: false\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("hubs[0].backend_tls.verify"), std::string::npos)
      << unknown.status();
}

}  // namespace
}  // namespace hubgate::gateway
