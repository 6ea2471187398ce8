#include "gateway/backplane/redis_slot.h"

#include <gtest/gtest.h>

namespace hubgate::gateway {
namespace {

TEST(RedisSlotTest, MatchesTheClusterSpecificationsExamples) {
  // The specification's CRC16 check value: "123456789" -> 0x31C3 = 12739.
  EXPECT_EQ(RedisSlot("123456789"), 12739);
  // Values redis-cli's CLUSTER KEYSLOT gives.
  EXPECT_EQ(RedisSlot("foo"), 12182);
  EXPECT_EQ(RedisSlot("bar"), 5061);
  EXPECT_EQ(RedisSlot(""), 0);
}

TEST(RedisSlotTest, AHashTagPicksTheSlot) {
  EXPECT_EQ(RedisSlot("{user1000}.following"), RedisSlot("{user1000}.followers"));
  EXPECT_EQ(RedisSlot("{user1000}.following"), RedisSlot("user1000"));
  EXPECT_EQ(RedisSlot("foo{bar}{zap}"), RedisSlot("bar"));  // the first tag only
  EXPECT_EQ(RedisSlot("{bar"), 4015);  // no closing brace: the whole key
  EXPECT_NE(RedisSlot("{bar"), RedisSlot("bar"));
}

TEST(RedisSlotTest, AnEmptyTagHashesTheWholeKey) {
  EXPECT_EQ(RedisSlot("foo{}{bar}"), 8363);  // "{}" is no tag, so neither is "{bar}"
  EXPECT_NE(RedisSlot("foo{}{bar}"), RedisSlot("bar"));
}

}  // namespace
}  // namespace hubgate::gateway
