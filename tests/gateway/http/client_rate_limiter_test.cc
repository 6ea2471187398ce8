#include "gateway/http/client_rate_limiter.h"

#include "gtest/gtest.h"
#include "hubcore/token_bucket.h"

namespace hubgate::gateway {
namespace {

using std::chrono::milliseconds;
const auto kStart = std::chrono::steady_clock::time_point() + std::chrono::hours(1);

TEST(TokenBucketTest, AllowsABurstThenTheRate) {
  hubcore::TokenBucket bucket(10, 3, kStart);
  EXPECT_TRUE(bucket.TryTake(kStart));
  EXPECT_TRUE(bucket.TryTake(kStart));
  EXPECT_TRUE(bucket.TryTake(kStart));
  EXPECT_FALSE(bucket.TryTake(kStart));
  EXPECT_FALSE(bucket.TryTake(kStart + milliseconds(50)));
  EXPECT_TRUE(bucket.TryTake(kStart + milliseconds(100))) << "10 a second: one per 100 ms";
  EXPECT_FALSE(bucket.TryTake(kStart + milliseconds(100)));
  EXPECT_FALSE(bucket.IsFull(kStart + milliseconds(200)));
  EXPECT_TRUE(bucket.IsFull(kStart + std::chrono::seconds(10))) << "never more than the burst";
  EXPECT_TRUE(bucket.TryTake(kStart + std::chrono::seconds(10)));
  EXPECT_TRUE(bucket.TryTake(kStart + std::chrono::seconds(10)));
  EXPECT_TRUE(bucket.TryTake(kStart + std::chrono::seconds(10)));
  EXPECT_FALSE(bucket.TryTake(kStart + std::chrono::seconds(10)));
}

TEST(ClientRateLimiterTest, EachAddressHasItsOwnBucket) {
  ClientRateLimiter limiter(1, 2);
  EXPECT_TRUE(limiter.Allow("10.0.0.1", kStart));
  EXPECT_TRUE(limiter.Allow("10.0.0.1", kStart));
  EXPECT_FALSE(limiter.Allow("10.0.0.1", kStart));
  EXPECT_TRUE(limiter.Allow("10.0.0.2", kStart));
  EXPECT_TRUE(limiter.Allow("10.0.0.1", kStart + std::chrono::seconds(1)));
}

TEST(ClientRateLimiterTest, RateZeroIsNoLimit) {
  ClientRateLimiter limiter(0, 0);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(limiter.Allow("10.0.0.1", kStart));
  }
  EXPECT_EQ(limiter.tracked_addresses(), 0u);
}

TEST(ClientRateLimiterTest, MemoryStaysBoundedWhateverTheNumberOfAddresses) {
  ClientRateLimiter limiter(1, 1);
  const size_t bound = ClientRateLimiter::kShards * ClientRateLimiter::kAddressesPerShard;
  for (size_t i = 0; i < 3 * bound; ++i) {
    // A new second for each batch: earlier buckets are full again and may be forgotten.
    limiter.Allow("a" + std::to_string(i), kStart + std::chrono::seconds(i / 1000));
  }
  EXPECT_LE(limiter.tracked_addresses(), bound);
  // Active addresses keep their buckets even when the shard is full.
  EXPECT_TRUE(limiter.Allow("busy", kStart + std::chrono::hours(1)));
  EXPECT_FALSE(limiter.Allow("busy", kStart + std::chrono::hours(1)));
}

}  // namespace
}  // namespace hubgate::gateway
