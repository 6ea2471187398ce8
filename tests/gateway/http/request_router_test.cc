// Which handler serves a request: every route, decided from method, target and upgrade alone.
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "gateway/http/request_router.h"
#include "gtest/gtest.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::gateway {
namespace {

class RequestRouterTest : public ::testing::Test {
 protected:
  RequestRouterTest() {
    hubs_.resize(2);
    hubs_[0].name = "posts";
    hubs_[0].path = "/hubs/posts";
    hubs_[1].name = "chat";
    hubs_[1].path = "/chat";
  }

  RequestRoute Route(http::verb method, std::string_view target, bool upgrade = false) {
    return RequestRouter::Route(
        [this](std::string_view path) -> const hubcore::HubOptions* {
          for (const hubcore::HubOptions& hub : hubs_) {
            if (absl::EqualsIgnoreCase(hub.path, AsAbsl(path))) {
              return &hub;
            }
          }
          return nullptr;
        },
        method, target, upgrade);
  }

  std::vector<hubcore::HubOptions> hubs_;
};

TEST_F(RequestRouterTest, HubPathOptionsIsAPreflight) {
  RequestRoute route = Route(http::verb::options, "/hubs/posts");
  EXPECT_EQ(route.kind, RouteKind::kPreflight);
  EXPECT_EQ(route.hub, &hubs_[0]);
}

TEST_F(RequestRouterTest, HubPathUpgradeIsAWebSocket) {
  RequestRoute route = Route(http::verb::get, "/hubs/posts?id=abc", /*upgrade=*/true);
  EXPECT_EQ(route.kind, RouteKind::kWebSocket);
  EXPECT_EQ(route.hub, &hubs_[0]);
  EXPECT_EQ(QueryParam(route.url, "id"), "abc");
}

TEST_F(RequestRouterTest, HubPathUpgradeWinsOverTheMethod) {
  // The upgrade is looked at before the method, so the WebSocket handler answers it.
  EXPECT_EQ(Route(http::verb::put, "/hubs/posts", /*upgrade=*/true).kind,
            RouteKind::kWebSocket);
}

TEST_F(RequestRouterTest, OptionsWinsOverAnUpgrade) {
  EXPECT_EQ(Route(http::verb::options, "/hubs/posts", /*upgrade=*/true).kind,
            RouteKind::kPreflight);
}

TEST_F(RequestRouterTest, HubPathGetPostDeleteAreTransportRequests) {
  for (http::verb method : {http::verb::get, http::verb::post, http::verb::delete_}) {
    RequestRoute route = Route(method, "/chat?id=t1");
    EXPECT_EQ(route.kind, RouteKind::kTransport) << http::to_string(method);
    EXPECT_EQ(route.hub, &hubs_[1]);
    EXPECT_EQ(QueryParam(route.url, "id"), "t1");
  }
}

TEST_F(RequestRouterTest, HubPathOtherMethodsAreNotAllowed) {
  for (http::verb method : {http::verb::put, http::verb::patch, http::verb::head}) {
    EXPECT_EQ(Route(method, "/hubs/posts?id=t1").kind, RouteKind::kTransportMethodNotAllowed)
        << http::to_string(method);
  }
}

TEST_F(RequestRouterTest, HubPathMatchesCaseInsensitively) {
  EXPECT_EQ(Route(http::verb::get, "/HUBS/Posts?id=t").hub, &hubs_[0]);
}

TEST_F(RequestRouterTest, NegotiatePost) {
  RequestRoute route = Route(http::verb::post, "/hubs/posts/negotiate?negotiateVersion=1");
  EXPECT_EQ(route.kind, RouteKind::kNegotiate);
  EXPECT_EQ(route.hub, &hubs_[0]);
  EXPECT_EQ(QueryParam(route.url, "negotiateVersion"), "1");
}

TEST_F(RequestRouterTest, NegotiateIsCaseInsensitive) {
  EXPECT_EQ(Route(http::verb::post, "/Hubs/Posts/NEGOTIATE").kind, RouteKind::kNegotiate);
  EXPECT_EQ(Route(http::verb::post, "/chat/Negotiate").hub, &hubs_[1]);
}

TEST_F(RequestRouterTest, NegotiateOptionsIsAPreflight) {
  RequestRoute route = Route(http::verb::options, "/chat/negotiate");
  EXPECT_EQ(route.kind, RouteKind::kPreflight);
  EXPECT_EQ(route.hub, &hubs_[1]);
}

TEST_F(RequestRouterTest, NegotiateOtherMethodsAreNotAllowed) {
  for (http::verb method : {http::verb::get, http::verb::head, http::verb::delete_}) {
    EXPECT_EQ(Route(method, "/chat/negotiate").kind, RouteKind::kNegotiateMethodNotAllowed)
        << http::to_string(method);
  }
}

TEST_F(RequestRouterTest, NegotiateOfAnUnknownHubIsNoNegotiate) {
  EXPECT_EQ(Route(http::verb::post, "/other/negotiate").kind, RouteKind::kNotFound);
  EXPECT_EQ(Route(http::verb::get, "/other/negotiate").kind, RouteKind::kStaticFile);
}

TEST_F(RequestRouterTest, OtherPathsGetAndHeadAreStaticFiles) {
  RequestRoute get = Route(http::verb::get, "/vendor/signalr.min.js?v=2");
  EXPECT_EQ(get.kind, RouteKind::kStaticFile);
  EXPECT_EQ(get.hub, nullptr);
  EXPECT_EQ(get.url.path(), "/vendor/signalr.min.js");
  EXPECT_EQ(Route(http::verb::head, "/").kind, RouteKind::kStaticFile);
}

TEST_F(RequestRouterTest, StaticPathsAreDecoded) {
  EXPECT_EQ(Route(http::verb::get, "/a%20b.html").url.path(), "/a b.html");
}

TEST_F(RequestRouterTest, OtherPathsOtherMethodsAreNotFound) {
  EXPECT_EQ(Route(http::verb::post, "/nowhere").kind, RouteKind::kNotFound);
  EXPECT_EQ(Route(http::verb::options, "/nowhere").kind, RouteKind::kNotFound);
  EXPECT_EQ(Route(http::verb::delete_, "/").kind, RouteKind::kNotFound);
}

TEST_F(RequestRouterTest, ATargetThatIsNotOriginFormIsBad) {
  EXPECT_EQ(Route(http::verb::get, "http://host/hubs/posts").kind, RouteKind::kBadTarget);
  EXPECT_EQ(Route(http::verb::get, "hubs/posts").kind, RouteKind::kBadTarget);
  EXPECT_EQ(Route(http::verb::get, "/a b").kind, RouteKind::kBadTarget);
  EXPECT_EQ(Route(http::verb::post, "*").kind, RouteKind::kBadTarget);
}

TEST(QueryParamTest, DecodedValueOrNothing) {
  auto url = boost::urls::url_view("/x?id=a%2Bb&empty=&flag");
  EXPECT_EQ(QueryParam(url, "id"), "a+b");
  EXPECT_EQ(QueryParam(url, "empty"), "");
  EXPECT_EQ(QueryParam(url, "flag"), "");
  EXPECT_EQ(QueryParam(url, "missing"), std::nullopt);
}

}  // namespace
}  // namespace hubgate::gateway
