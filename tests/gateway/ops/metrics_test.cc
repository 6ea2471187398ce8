#include "gateway/ops/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hubgate::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, RendersTheTextFormatWithBoundedLabels) {
  Metrics metrics;
  metrics.ConnectionOpened("posts", "websockets", hubcore::HubProtocol::kJson);
  metrics.ConnectionOpened("posts", "websockets", hubcore::HubProtocol::kJson);
  metrics.ConnectionClosed("posts", "websockets", hubcore::HubProtocol::kJson,
                           hubcore::CloseCause::kSlowConsumer);
  metrics.HandshakeFailed("posts", "websockets", hubcore::CloseCause::kHandshakeFailed);
  metrics.AuthFailed("posts", "missing_token");
  metrics.Pushed("posts", hubcore::Audience::Groups({"g"}));
  metrics.Pushed("posts", hubcore::Audience::Groups({"g", "h"}));
  metrics.Pushed("posts", hubcore::Audience::All({"c1"}));
  metrics.Invoked("posts", "Echo", "invoke", "ok", 0.003);
  Metrics::Traffic* traffic = metrics.TrafficFor("posts", "websockets");
  EXPECT_EQ(traffic, metrics.TrafficFor("posts", "websockets")) << "looked up once, then reused";

  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr("# TYPE hubgate_connections gauge"));
  EXPECT_THAT(text,
              HasSubstr("hubgate_connections{hub=\"posts\",protocol=\"json\",transport=\"websockets\"} 1"));
  EXPECT_THAT(text, HasSubstr("hubgate_disconnects_total{hub=\"posts\",reason=\"slow_consumer\"} 1"));
  EXPECT_THAT(text, HasSubstr("hubgate_handshake_failures_total{hub=\"posts\",reason="
                              "\"handshake_failed\",transport=\"websockets\"} 1"));
  EXPECT_THAT(text, HasSubstr("hubgate_auth_failures_total{hub=\"posts\",reason=\"missing_token\"} 1"));
  EXPECT_THAT(text, HasSubstr("hubgate_pushes_total{hub=\"posts\",target=\"group\"} 1"));
  EXPECT_THAT(text, HasSubstr("hubgate_pushes_total{hub=\"posts\",target=\"groups\"} 1"));
  EXPECT_THAT(text, HasSubstr("hubgate_pushes_total{hub=\"posts\",target=\"all_except\"} 1"));
  EXPECT_THAT(text, HasSubstr("hubgate_invocations_total{hub=\"posts\",method=\"Echo\",outcome=\"ok\"} 1"));
  EXPECT_THAT(text, HasSubstr("hubgate_backend_call_duration_seconds_bucket{call=\"invoke\",hub="
                              "\"posts\",method=\"Echo\",le=\"0.005\"} 1"));
  EXPECT_THAT(text, HasSubstr("hubgate_build_info{version="));
  EXPECT_THAT(text, Not(HasSubstr("c1"))) << "no connection ids in labels";
}

TEST(MetricsTest, CloseCauseLabels) {
  EXPECT_EQ(CloseCauseLabel(hubcore::CloseCause::kClientClosed), "client_closed");
  EXPECT_EQ(CloseCauseLabel(hubcore::CloseCause::kServerClosed), "server_closed");
  EXPECT_EQ(CloseCauseLabel(hubcore::CloseCause::kClientTimeout), "client_timeout");
  EXPECT_EQ(CloseCauseLabel(hubcore::CloseCause::kRejected), "rejected");
}

}  // namespace
}  // namespace hubgate::gateway
