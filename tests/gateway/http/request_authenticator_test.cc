// The bearer token of a request and the call context a connection gets from it.
#include "gateway/http/request_authenticator.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

using Request = RequestAuthenticator::Request;

TEST(RequestAuthenticatorTest, TheAuthorizationHeaderWinsOverTheQuery) {
  Request request(http::verb::get, "/hub?access_token=from-query", 11);
  auto url = boost::urls::url_view(request.target());
  EXPECT_EQ(RequestAuthenticator::BearerToken(request, url), "from-query");
  request.set(http::field::authorization, "Bearer from-header");
  EXPECT_EQ(RequestAuthenticator::BearerToken(request, url), "from-header");
  Request anonymous(http::verb::get, "/hub", 11);
  EXPECT_EQ(RequestAuthenticator::BearerToken(anonymous, boost::urls::url_view("/hub")),
            std::nullopt);
}

TEST(RequestAuthenticatorTest, CallContextKeepsIdentityQueryAndForwardedHeaders) {
  hubcore::HubOptions hub;
  hub.name = "posts";
  hub.forwarded_headers = {"X-Tenant", "X-Absent"};
  Request request(http::verb::get, "/hubs/posts?id=t&access_token=s&_=1&room=a%20b", 11);
  request.set("x-tenant", "acme");
  Principal principal{"alice", {{"sub", "alice"}, {"role", "admin"}}};

  hubcore::CallContext context = RequestAuthenticator::BuildCallContext(
      request, hub, boost::urls::url_view(request.target()), principal, "LongPolling");
  EXPECT_EQ(context.hub, "posts");
  EXPECT_EQ(context.transport, "LongPolling");
  EXPECT_EQ(context.user_id, "alice");
  EXPECT_THAT(context.claims, ElementsAre(Pair("sub", "alice"), Pair("role", "admin")));
  // The token, the connection id and the cache buster stay out of what the backend sees.
  EXPECT_THAT(context.query, ElementsAre(Pair("room", "a b")));
  EXPECT_THAT(context.headers, ElementsAre(Pair("x-tenant", "acme")));
}

TEST(RequestAuthenticatorTest, AnAnonymousCallerHasNoIdentity) {
  hubcore::HubOptions hub;
  hub.name = "posts";
  Request request(http::verb::get, "/hubs/posts", 11);
  hubcore::CallContext context = RequestAuthenticator::BuildCallContext(
      request, hub, boost::urls::url_view(request.target()), std::nullopt, "WebSockets");
  EXPECT_EQ(context.user_id, "");
  EXPECT_TRUE(context.claims.empty());
  EXPECT_TRUE(context.query.empty());
}

}  // namespace
}  // namespace hubgate::gateway
