// How large a request body may be: sends to a hub get room for a batch of its messages.
#include <vector>

#include "gateway/http/request_limits.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

class RequestLimitsTest : public ::testing::Test {
 protected:
  RequestLimitsTest() {
    hubs_.resize(2);
    hubs_[0].path = "/small";
    hubs_[0].max_message_size = 32 * 1024;
    hubs_[1].path = "/large";
    hubs_[1].max_message_size = 4 * 1024 * 1024;
  }

  size_t BodyFor(http::verb method, std::string_view target) {
    return RequestLimits::BodyFor(
        [this](std::string_view path) -> const hubcore::HubOptions* {
          for (const hubcore::HubOptions& hub : hubs_) {
            if (hub.path == path) {
              return &hub;
            }
          }
          return nullptr;
        },
        method, target);
  }

  std::vector<hubcore::HubOptions> hubs_;
};

TEST_F(RequestLimitsTest, SendsGetAtLeastAMegabyteOrTwoMessages) {
  EXPECT_EQ(RequestLimits::SendBody(hubs_[0]), RequestLimits::kMaxSendBody);
  EXPECT_EQ(RequestLimits::SendBody(hubs_[1]), 8u * 1024 * 1024);
}

TEST_F(RequestLimitsTest, BeforeTheHeaderTheLargestSendIsAllowed) {
  EXPECT_EQ(RequestLimits::LargestBody(hubs_), 8u * 1024 * 1024);
  EXPECT_EQ(RequestLimits::LargestBody({}), RequestLimits::kMaxSendBody);
}

TEST_F(RequestLimitsTest, PostToAHubPathIsASend) {
  EXPECT_EQ(BodyFor(http::verb::post, "/small?id=t"), RequestLimits::kMaxSendBody);
  EXPECT_EQ(BodyFor(http::verb::post, "/large?id=t"), 8u * 1024 * 1024);
}

TEST_F(RequestLimitsTest, EverythingElseIsHeldToTheRequestLimit) {
  EXPECT_EQ(BodyFor(http::verb::get, "/large?id=t"), RequestLimits::kMaxRequestBody);
  EXPECT_EQ(BodyFor(http::verb::delete_, "/large?id=t"), RequestLimits::kMaxRequestBody);
  EXPECT_EQ(BodyFor(http::verb::post, "/large/negotiate"), RequestLimits::kMaxRequestBody);
  EXPECT_EQ(BodyFor(http::verb::post, "/elsewhere"), RequestLimits::kMaxRequestBody);
  EXPECT_EQ(BodyFor(http::verb::post, "not a target"), RequestLimits::kMaxRequestBody);
}

}  // namespace
}  // namespace hubgate::gateway
