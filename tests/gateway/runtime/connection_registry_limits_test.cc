#include "gateway/ops/metrics.h"
#include "gateway/runtime/connection_registry.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

using std::chrono::seconds;
using Entry = ConnectionRegistry::Entry;
using Limits = ConnectionRegistry::Limits;

class ConnectionRegistryLimitsTest : public ::testing::Test {
 protected:
  Entry Negotiated(std::string address, std::string user = "", std::string hub = "posts") {
    Entry entry{"c" + std::to_string(++next_), std::move(hub), 0, now_ + seconds(15), false};
    entry.client_address = std::move(address);
    entry.user_id = std::move(user);
    return entry;
  }
  std::string Token() { return "t" + std::to_string(++next_); }
  bool MetricsShow(std::string_view text) {
    return metrics_.Render().find(text) != std::string::npos;
  }

  Metrics metrics_;
  ConnectionRegistry registry_;
  const std::chrono::steady_clock::time_point now_ = std::chrono::steady_clock::now();
  int next_ = 0;
};

TEST_F(ConnectionRegistryLimitsTest, UnclaimedNegotiationsPerAddressAreBoundedUntilClaimed) {
  registry_.Configure(Limits{.max_unclaimed_per_address = 2}, {"posts"}, &metrics_);
  const std::string first = Token();
  ASSERT_TRUE(registry_.Admit(first, Negotiated("10.0.0.1")).ok());
  ASSERT_TRUE(registry_.Admit(Token(), Negotiated("10.0.0.1")).ok());
  absl::Status refused = registry_.Admit(Token(), Negotiated("10.0.0.1"));
  EXPECT_TRUE(absl::IsResourceExhausted(refused)) << refused;
  EXPECT_TRUE(registry_.Admit(Token(), Negotiated("10.0.0.2")).ok()) << "another address";
  EXPECT_EQ(registry_.unclaimed(), 3u);
  ASSERT_TRUE(registry_.Claim(first, "posts").ok());
  EXPECT_TRUE(registry_.Admit(Token(), Negotiated("10.0.0.1")).ok()) << "a claim frees a slot";
  EXPECT_TRUE(MetricsShow(
      "hubgate_limit_hits_total{limit=\"max_unclaimed_negotiations_per_address\"} 1"));
}

TEST_F(ConnectionRegistryLimitsTest, UnclaimedNegotiationsPerHubAreBoundedAndFreedByExpiry) {
  registry_.Configure(Limits{.max_unclaimed_per_hub = 2}, {"posts", "chat"}, &metrics_);
  ASSERT_TRUE(registry_.Admit(Token(), Negotiated("a")).ok());
  ASSERT_TRUE(registry_.Admit(Token(), Negotiated("b")).ok());
  absl::Status refused = registry_.Admit(Token(), Negotiated("c"));
  EXPECT_TRUE(absl::IsUnavailable(refused)) << refused;
  EXPECT_TRUE(registry_.Admit(Token(), Negotiated("c", "", "chat")).ok()) << "another hub";
  EXPECT_EQ(registry_.ExpireUnclaimed(now_ + seconds(15)), 3u);
  EXPECT_EQ(registry_.size(), 0u);
  EXPECT_EQ(registry_.unclaimed(), 0u);
  EXPECT_TRUE(registry_.Admit(Token(), Negotiated("c")).ok());
}

TEST_F(ConnectionRegistryLimitsTest, ConnectionsPerProcessAndPerUserCountConnectedOnesToo) {
  registry_.Configure(Limits{.max_connections = 3, .max_connections_per_user = 2}, {"posts"},
                      &metrics_);
  const std::string alice1 = Token();
  ASSERT_TRUE(registry_.Admit(alice1, Negotiated("a", "alice")).ok());
  ASSERT_TRUE(registry_.Claim(alice1, "posts").ok());
  ASSERT_TRUE(registry_.Admit(Token(), Negotiated("a", "alice")).ok());
  absl::Status per_user = registry_.Admit(Token(), Negotiated("a", "alice"));
  EXPECT_TRUE(absl::IsResourceExhausted(per_user)) << per_user;
  EXPECT_EQ(per_user.message(), "Too many connections for this user.");
  ASSERT_TRUE(registry_.Admit(Token(), Negotiated("b", "bob")).ok());
  absl::Status full = registry_.Admit(Token(), Negotiated("c"));
  EXPECT_TRUE(absl::IsUnavailable(full)) << full;
  EXPECT_EQ(full.message(), "The server has reached its connection limit.");
  registry_.Remove(alice1);
  EXPECT_TRUE(registry_.Admit(Token(), Negotiated("a", "alice")).ok())
      << "a closed connection frees its user's and the process's slot";
  EXPECT_TRUE(MetricsShow("hubgate_limit_hits_total{limit=\"max_connections\"} 1"));
  EXPECT_TRUE(MetricsShow("hubgate_limit_hits_total{limit=\"max_connections_per_user\"} 1"));
}

TEST_F(ConnectionRegistryLimitsTest, ExpiryVisitsOnlyDueDeadlinesAndSkipsClaimedOnes) {
  registry_.Configure(Limits{}, {"posts"}, nullptr);
  const std::string claimed = Token();
  ASSERT_TRUE(registry_.Admit(claimed, Negotiated("a")).ok());
  ASSERT_TRUE(registry_.Claim(claimed, "posts").ok());
  for (int i = 0; i < 100; ++i) {
    Entry later = Negotiated("a");
    later.connect_deadline = now_ + seconds(30);
    ASSERT_TRUE(registry_.Admit(Token(), std::move(later)).ok());
  }
  EXPECT_EQ(registry_.ExpireUnclaimed(now_ + seconds(20)), 0u) << "the claimed one stays";
  EXPECT_EQ(registry_.size(), 101u);
  EXPECT_EQ(registry_.ExpireUnclaimed(now_ + seconds(30)), 100u);
  EXPECT_EQ(registry_.size(), 1u);
  EXPECT_EQ(registry_.unclaimed(), 0u);
}

}  // namespace
}  // namespace hubgate::gateway
