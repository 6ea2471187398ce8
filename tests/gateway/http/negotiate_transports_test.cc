// Negotiate: the transports offered and redirects.
#include <cstdlib>
#include <string>

#include "boost/json.hpp"
#include "gateway/http/negotiate.h"
#include "gateway/runtime/connection_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class NegotiateTransportsTest : public ::testing::Test {
 protected:
  NegotiateTransportsTest() {
    hub_.name = "posts";
    hub_.path = "/hubs/posts";
  }
  boost::json::object Body() {
    return boost::json::parse(*Negotiate::Handle(hub_, "1", 0, registry_,
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

}  // namespace
}  // namespace hubgate::gateway
