// Configuration of transports, redirects and CORS.
#include <cstdlib>
#include <string>

#include "gateway/ops/config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(TransportConfigTest, TransportsRedirectAndCorsParse) {
  auto config = ParseConfigYaml(R"(cors:
  allowed_origins: ["https://app.example", "https://admin.example"]
  max_age: 2m
hubs:
  - name: posts
    transports: [ServerSentEvents, longpolling]
    poll_timeout: 30s
    negotiate_redirect:
      url: "https://node-2.example/hubs/posts"
      access_token: "t"
)");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(config->cors.allowed_origins, ElementsAre("https://app.example", "https://admin.example"));
  EXPECT_EQ(config->cors.max_age, std::chrono::seconds(120));
  const hubcore::HubOptions& hub = config->hubs[0];
  EXPECT_EQ(hub.transports, hubcore::kTransportServerSentEvents | hubcore::kTransportLongPolling);
  EXPECT_EQ(hub.poll_timeout, std::chrono::seconds(30));
  EXPECT_EQ(hub.negotiate_redirect_url, "https://node-2.example/hubs/posts");
  EXPECT_EQ(hub.negotiate_redirect_access_token, "t");
  EXPECT_EQ(DefaultConfig().hubs[0].transports, hubcore::kAllTransports);
}

TEST(TransportConfigTest, BadValuesNameTheKey) {
  auto unknown = ParseConfigYaml("hubs:\n  - name: posts\n    transports: [Carrier]\n");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("hubs[0].transports[0] (line 3): expected a non-empty list"));
  auto empty = ParseConfigYaml("hubs:\n  - name: posts\n    transports: []\n");
  EXPECT_FALSE(empty.ok());
  auto url = ParseConfigYaml(
      "hubs:\n  - name: posts\n    negotiate_redirect:\n      url: \"node-2/hubs/posts\"\n");
  ASSERT_FALSE(url.ok());
  EXPECT_THAT(std::string(url.status().message()), HasSubstr("hubs[0].negotiate_redirect.url"));
}

TEST(TransportConfigTest, CorsOriginsFromTheEnvironment) {
  GatewayConfig config = DefaultConfig();
  setenv("HUBGATE_CORS_ALLOWED_ORIGINS", " https://a.example, https://b.example ,", 1);
  absl::Status status = FinalizeConfig(config);
  unsetenv("HUBGATE_CORS_ALLOWED_ORIGINS");
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_THAT(config.cors.allowed_origins, ElementsAre("https://a.example", "https://b.example"));
}

}  // namespace
}  // namespace hubgate::gateway
