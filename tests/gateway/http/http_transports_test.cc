// The pure pieces of the Server-Sent Events / Long Polling transports, CORS and negotiate.
#include <cstdlib>
#include <string>

#include "boost/json.hpp"
#include "gateway/ops/config.h"
#include "gateway/runtime/connection_registry.h"
#include "gateway/http/cors.h"
#include "gateway/http/negotiate.h"
#include "gateway/transports/sse_session.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::string SseEvent(std::string_view payload) {
  std::string out;
  AppendSseEvent(payload, out);
  return out;
}

TEST(SseFormatTest, OneLineIsOneDataLine) {
  EXPECT_EQ(SseEvent("{\"type\":6}\x1e"), "data: {\"type\":6}\x1e\r\n\r\n");
}

TEST(SseFormatTest, LineFeedsSplitIntoDataLinesAndCarriageReturnsBeforeThemGo) {
  EXPECT_EQ(SseEvent("a\nb"), "data: a\r\ndata: b\r\n\r\n");
  EXPECT_EQ(SseEvent("a\r\nb"), "data: a\r\ndata: b\r\n\r\n");
  EXPECT_EQ(SseEvent("a\n"), "data: a\r\ndata: \r\n\r\n");
  EXPECT_EQ(SseEvent("\r\nx"), "data: \r\r\ndata: x\r\n\r\n") << ".NET keeps a lone \\r line";
}

TEST(SseFormatTest, EmptyPayloadIsAnEmptyEvent) { EXPECT_EQ(SseEvent(""), "\r\n"); }

TEST(CorsTest, ExactOriginsMatchCaseInsensitivelyAndAreEchoed) {
  CorsConfig cors{{"https://app.example"}};
  EXPECT_EQ(Cors::AllowedOrigin(cors, "https://app.example"), "https://app.example");
  EXPECT_EQ(Cors::AllowedOrigin(cors, "https://APP.example"), "https://APP.example");
  EXPECT_EQ(Cors::AllowedOrigin(cors, "https://evil.example"), std::nullopt);
  EXPECT_EQ(Cors::AllowedOrigin(cors, "https://app.example.evil"), std::nullopt);
  EXPECT_EQ(Cors::AllowedOrigin(cors, ""), std::nullopt);
}

TEST(CorsTest, NoWildcardAndNullOnlyWhenListed) {
  CorsConfig cors{{"*"}};
  EXPECT_EQ(Cors::AllowedOrigin(cors, "https://any.example"), std::nullopt)
      << "\"*\" is refused by the configuration and matches nothing here";
  EXPECT_EQ(Cors::AllowedOrigin(cors, "null"), std::nullopt);
  EXPECT_EQ(Cors::AllowedOrigin(CorsConfig{{"null"}}, "null"), "null");
  EXPECT_EQ(Cors::AllowedOrigin(CorsConfig{}, "https://any.example"), std::nullopt);
}

TEST(CorsTest, ResponsesCarryOriginCredentialsAndVary) {
  EXPECT_THAT(Cors::ResponseHeaders("https://a.example"),
              ElementsAre(Pair("Access-Control-Allow-Origin", "https://a.example"),
                          Pair("Access-Control-Allow-Credentials", "true"),
                          Pair("Vary", "Origin")));
}

TEST(CorsTest, PreflightEchoesMethodAndHeaders) {
  CorsConfig cors{{"https://a.example"}, std::chrono::seconds(120)};
  EXPECT_THAT(Cors::PreflightHeaders(cors, "https://a.example", "POST",
                                     "x-requested-with,authorization"),
              ElementsAre(Pair("Access-Control-Allow-Origin", "https://a.example"),
                          Pair("Access-Control-Allow-Credentials", "true"),
                          Pair("Vary", "Origin"), Pair("Access-Control-Allow-Methods", "POST"),
                          Pair("Access-Control-Allow-Headers", "x-requested-with,authorization"),
                          Pair("Access-Control-Max-Age", "120")));
  EXPECT_THAT(Cors::PreflightHeaders(cors, "https://a.example", "", ""),
              ElementsAre(Pair("Access-Control-Allow-Origin", "https://a.example"),
                          Pair("Access-Control-Allow-Credentials", "true"),
                          Pair("Vary", "Origin"),
                          Pair("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"),
                          Pair("Access-Control-Max-Age", "120")));
}

class NegotiateTransportsTest : public ::testing::Test {
 protected:
  NegotiateTransportsTest() {
    hub_.name = "posts";
    hub_.path = "/hubs/posts";
  }
  boost::json::object Body() {
    return boost::json::parse(Negotiate::Handle(hub_, "1", 0, registry_,
                                                std::chrono::steady_clock::now()))
        .as_object();
  }
  hubcore::HubOptions hub_;
  ConnectionRegistry registry_;
};

TEST_F(NegotiateTransportsTest, AllThreeInDotNetOrderWithTransferFormats) {
  EXPECT_EQ(boost::json::serialize(Body().at("availableTransports")),
            R"([{"transport":"WebSockets","transferFormats":["Text","Binary"]},)"
            R"({"transport":"ServerSentEvents","transferFormats":["Text"]},)"
            R"({"transport":"LongPolling","transferFormats":["Text","Binary"]}])");
}

TEST_F(NegotiateTransportsTest, OnlyTheEnabledOnes) {
  hub_.transports = hubcore::kTransportServerSentEvents | hubcore::kTransportLongPolling;
  EXPECT_EQ(Negotiate::TransportsJson(hub_),
            R"([{"transport":"ServerSentEvents","transferFormats":["Text"]},)"
            R"({"transport":"LongPolling","transferFormats":["Text","Binary"]}])");
  hub_.transports = hubcore::kTransportLongPolling;
  EXPECT_EQ(Negotiate::TransportsJson(hub_),
            R"([{"transport":"LongPolling","transferFormats":["Text","Binary"]}])");
}

TEST_F(NegotiateTransportsTest, RedirectUsesTheConfiguredTokenElseTheCallers) {
  hub_.negotiate_redirect_url = "https://node-2.example/hubs/posts";
  EXPECT_EQ(Negotiate::Redirect(hub_, std::nullopt),
            R"({"url":"https://node-2.example/hubs/posts"})");
  EXPECT_EQ(Negotiate::Redirect(hub_, "caller"),
            R"({"url":"https://node-2.example/hubs/posts","accessToken":"caller"})");
  hub_.negotiate_redirect_access_token = "configured";
  EXPECT_EQ(Negotiate::Redirect(hub_, "caller"),
            R"({"url":"https://node-2.example/hubs/posts","accessToken":"configured"})");
  EXPECT_EQ(registry_.size(), 0u) << "a redirect creates no connection";
}

TEST(TransportClaimTest, LongPollingPollsClaimAgainOthersConflict) {
  ConnectionRegistry registry;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  registry.Add("lp", ConnectionRegistry::Entry{"c1", "posts", 0, deadline, false});
  auto first = registry.Claim("lp", "posts", TransportKind::kLongPolling);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->claimed);
  auto again = registry.Claim("lp", "posts", TransportKind::kLongPolling);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->claimed);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      registry.Claim("lp", "posts", TransportKind::kServerSentEvents).status()));

  registry.Add("sse", ConnectionRegistry::Entry{"c2", "posts", 0, deadline, false});
  ASSERT_TRUE(registry.Claim("sse", "posts", TransportKind::kServerSentEvents).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(
      registry.Claim("sse", "posts", TransportKind::kServerSentEvents).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(registry.Claim("sse", "posts").status()));
  auto found = registry.Find("sse", "posts");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->transport, TransportKind::kServerSentEvents);
  EXPECT_TRUE(absl::IsNotFound(registry.Find("sse", "chat").status()));
}

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
