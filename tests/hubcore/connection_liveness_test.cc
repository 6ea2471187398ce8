#include "hubcore/connection_liveness.h"

#include <gtest/gtest.h>

#include <chrono>

namespace hubgate::hubcore {
namespace {

using std::chrono::seconds;
using Due = ConnectionLiveness::Due;

class ConnectionLivenessTest : public ::testing::Test {
 protected:
  ConnectionLivenessTest() {
    options_.handshake_timeout = seconds(15);
    options_.keep_alive_interval = seconds(15);
    options_.client_timeout = seconds(30);
  }

  HubOptions options_;
  const ConnectionLiveness::TimePoint start_{};
};

TEST_F(ConnectionLivenessTest, HandshakeTimesOutAfterHandshakeTimeout) {
  ConnectionLiveness liveness(options_, start_);
  EXPECT_FALSE(liveness.HandshakeTimedOut(start_ + seconds(14)));
  EXPECT_TRUE(liveness.HandshakeTimedOut(start_ + seconds(15)));
}

TEST_F(ConnectionLivenessTest, PingsAfterKeepAliveIntervalWithoutWrites) {
  ConnectionLiveness liveness(options_, start_);
  EXPECT_EQ(liveness.OnTick(start_ + seconds(10), /*wrote=*/true, std::nullopt), Due::kNothing);
  // The write seen at 10 s moves the next ping to 25 s.
  EXPECT_EQ(liveness.OnTick(start_ + seconds(24), false, std::nullopt), Due::kNothing);
  EXPECT_EQ(liveness.OnTick(start_ + seconds(25), false, std::nullopt), Due::kPing);
}

TEST_F(ConnectionLivenessTest, ClientTimeoutStartsWithTheClientsFirstPing) {
  ConnectionLiveness liveness(options_, start_);
  EXPECT_NE(liveness.OnTick(start_ + seconds(40), true, std::nullopt), Due::kClientTimeout);
  liveness.OnClientPing();
  liveness.OnReceived(start_ + seconds(40));
  EXPECT_NE(liveness.OnTick(start_ + seconds(69), true, std::nullopt), Due::kClientTimeout);
  EXPECT_EQ(liveness.OnTick(start_ + seconds(70), true, std::nullopt), Due::kClientTimeout);
  liveness.Restart(start_ + seconds(70));  // a reattached transport counts as activity
  EXPECT_EQ(liveness.OnTick(start_ + seconds(71), true, std::nullopt), Due::kNothing);
}

TEST_F(ConnectionLivenessTest, TokenExpiryOnlyWhenTheHubClosesOnIt) {
  ConnectionLiveness liveness(options_, start_);
  const auto expiry = start_ + seconds(5);
  EXPECT_EQ(liveness.OnTick(start_ + seconds(6), true, expiry), Due::kNothing);
  options_.close_on_authentication_expiration = true;
  EXPECT_EQ(liveness.OnTick(start_ + seconds(4), true, expiry), Due::kNothing);
  EXPECT_EQ(liveness.OnTick(start_ + seconds(5), true, expiry), Due::kAuthenticationExpired);
}

}  // namespace
}  // namespace hubgate::hubcore
