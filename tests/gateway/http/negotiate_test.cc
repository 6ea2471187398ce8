#include "gateway/http/negotiate.h"

#include "boost/json.hpp"
#include "gtest/gtest.h"
#include "hubcore/connection_id.h"

namespace hubgate::gateway {
namespace {

class NegotiateTest : public ::testing::Test {
 protected:
  NegotiateTest() {
    hub_.name = "posts";
    hub_.path = "/hubs/posts";
  }
  boost::json::object Run(std::optional<std::string_view> version, uint32_t worker = 3) {
    std::string body = *Negotiate::Handle(hub_, version, worker, registry_, now_);
    return boost::json::parse(body).as_object();
  }

  hubcore::HubOptions hub_;
  ConnectionRegistry registry_;
  std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::now();
};

TEST_F(NegotiateTest, VersionOneReturnsIdTokenAndWebSockets) {
  auto body = Run("1");
  EXPECT_EQ(body.at("negotiateVersion").as_int64(), 1);
  const std::string id(body.at("connectionId").as_string());
  const std::string token(body.at("connectionToken").as_string());
  EXPECT_NE(id, token);
  EXPECT_EQ(hubcore::ConnectionId::WorkerOf(id), 3u);
  auto transports = body.at("availableTransports").as_array();
  ASSERT_EQ(transports.size(), 3u);
  EXPECT_EQ(transports[0].at("transport").as_string(), "WebSockets");
  EXPECT_FALSE(body.contains("ProtocolVersion"));
  auto claimed = registry_.Claim(token, "posts");
  ASSERT_TRUE(claimed.ok());
  EXPECT_EQ(claimed->connection_id, id);
  EXPECT_EQ(claimed->worker, 3u);
}

TEST_F(NegotiateTest, HigherVersionsAreAnsweredWithOne) {
  EXPECT_EQ(Run("7").at("negotiateVersion").as_int64(), 1);
}

TEST_F(NegotiateTest, VersionZeroUsesTheIdAsToken) {
  auto body = Run(std::nullopt);
  EXPECT_EQ(body.at("negotiateVersion").as_int64(), 0);
  EXPECT_FALSE(body.contains("connectionToken"));
  EXPECT_TRUE(registry_.Claim(std::string(body.at("connectionId").as_string()), "posts").ok());
}

TEST_F(NegotiateTest, InvalidVersionIsAnError) {
  auto body = Run("abc");
  EXPECT_EQ(body.at("error").as_string(), "The client requested an invalid protocol version 'abc'");
  EXPECT_EQ(registry_.size(), 0u);
}

TEST_F(NegotiateTest, UnconnectedConnectionsExpireAfterTheDisconnectTimeout) {
  auto body = Run("1");
  registry_.ExpireUnclaimed(now_ + hub_.disconnect_timeout);
  EXPECT_TRUE(absl::IsNotFound(
      registry_.Claim(std::string(body.at("connectionToken").as_string()), "posts").status()));
}

}  // namespace
}  // namespace hubgate::gateway

namespace hubgate::gateway {
namespace {

TEST(NegotiateStatefulTest, AgreesOnlyWhenAskedAndAllowed) {
  hubcore::HubOptions hub;
  hub.name = "posts";
  ConnectionRegistry registry;
  const auto now = std::chrono::steady_clock::now();
  auto negotiate = [&](bool asked) {
    return boost::json::parse(*Negotiate::Handle(hub, "1", 0, registry, now, asked)).as_object();
  };
  EXPECT_FALSE(negotiate(true).contains("useStatefulReconnect")) << "the hub does not allow it";
  hub.stateful_reconnect = true;
  EXPECT_FALSE(negotiate(false).contains("useStatefulReconnect")) << "the client did not ask";
  auto body = negotiate(true);
  EXPECT_EQ(body.at("useStatefulReconnect"), true);
  auto entry = registry.Find(std::string(body.at("connectionToken").as_string()), "posts");
  ASSERT_TRUE(entry.ok());
  EXPECT_TRUE(entry->stateful);
}

}  // namespace
}  // namespace hubgate::gateway
