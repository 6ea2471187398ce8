#include "gateway/backplane/recent_message_ids.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace hubgate::gateway {
namespace {

using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

TEST(RecentMessageIdsTest, AnIdIsNewOnceWithinTheWindow) {
  RecentMessageIds ids(100, seconds(10));
  const Clock::time_point now = Clock::time_point() + seconds(1000);
  EXPECT_TRUE(ids.FirstSeen("a", now));
  EXPECT_FALSE(ids.FirstSeen("a", now));
  EXPECT_FALSE(ids.FirstSeen("a", now + seconds(9)));
  EXPECT_TRUE(ids.FirstSeen("b", now));
  EXPECT_EQ(ids.size(), 2u);
}

TEST(RecentMessageIdsTest, ForgetsIdsOlderThanTheWindow) {
  RecentMessageIds ids(100, seconds(10));
  const Clock::time_point start = Clock::time_point() + seconds(1000);
  EXPECT_TRUE(ids.FirstSeen("a", start));
  EXPECT_TRUE(ids.FirstSeen("b", start + seconds(5)));
  // At 10 s "a" has aged out (so it is new again) while "b" is still remembered.
  EXPECT_TRUE(ids.FirstSeen("a", start + seconds(10)));
  EXPECT_FALSE(ids.FirstSeen("b", start + seconds(10)));
  EXPECT_EQ(ids.size(), 2u);  // the old "a" is gone, the new one counted once
  EXPECT_TRUE(ids.FirstSeen("c", start + seconds(30)));
  EXPECT_EQ(ids.size(), 1u);  // an arrival drops everything that has aged out
}

TEST(RecentMessageIdsTest, KeepsAtMostMaxCountIdsDroppingTheOldest) {
  RecentMessageIds ids(3, seconds(60));
  const Clock::time_point now = Clock::time_point() + seconds(1000);
  for (const char* id : {"a", "b", "c", "d"}) {
    EXPECT_TRUE(ids.FirstSeen(id, now));
  }
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_TRUE(ids.FirstSeen("a", now));  // forgotten: the count bound won over the age
  EXPECT_FALSE(ids.FirstSeen("d", now));
  EXPECT_EQ(ids.size(), 3u);
}

TEST(RecentMessageIdsTest, ARepeatDoesNotExtendTheWindow) {
  RecentMessageIds ids(10, seconds(10));
  const Clock::time_point start = Clock::time_point() + seconds(1000);
  EXPECT_TRUE(ids.FirstSeen("a", start));
  EXPECT_FALSE(ids.FirstSeen("a", start + seconds(8)));
  EXPECT_TRUE(ids.FirstSeen("a", start + seconds(10)));  // aged from its first arrival
}

}  // namespace
}  // namespace hubgate::gateway
