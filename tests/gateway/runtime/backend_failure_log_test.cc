// BackendFailureLog: one warning line per interval per hub, the rest counted (issue 11, item
// 14: an outage must not flood the log).
#include "gateway/runtime/backend_failure_log.h"

#include <chrono>

#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(BackendFailureLogTest, OneLinePerIntervalAndTheRestCounted) {
  Metrics metrics;
  BackendFailureLog log("posts", seconds(10), &metrics);
  const BackendFailureLog::Clock::time_point t0{};
  const auto down = [&](seconds at) {
    return log.Report("invoke", "Echo", "UNAVAILABLE: down", milliseconds(3), t0 + at);
  };
  EXPECT_TRUE(down(seconds(0)));
  EXPECT_FALSE(down(seconds(1)));
  EXPECT_FALSE(log.Report("connect", "", "UNAVAILABLE: down", milliseconds(3), t0 + seconds(9)));
  EXPECT_TRUE(down(seconds(10)));
  const std::string text = metrics.Render();
  EXPECT_NE(text.find("hubgate_backend_failure_logs_suppressed_total{hub=\"posts\"} 2"),
            std::string::npos)
      << text;
}

TEST(BackendFailureLogTest, HubsAreLimitedSeparately) {
  BackendFailureLog a("a", seconds(10), nullptr);
  BackendFailureLog b("b", seconds(10), nullptr);
  const BackendFailureLog::Clock::time_point t0{};
  EXPECT_TRUE(a.Report("invoke", "M", "INTERNAL: x", milliseconds(1), t0));
  EXPECT_TRUE(b.Report("invoke", "M", "INTERNAL: x", milliseconds(1), t0));
}

}  // namespace
}  // namespace hubgate::gateway
