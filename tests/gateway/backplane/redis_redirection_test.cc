#include "gateway/backplane/redis_redirection.h"

#include <gtest/gtest.h>

namespace hubgate::gateway {
namespace {

TEST(RedisRedirectionTest, ReadsMovedAndAsk) {
  std::optional<RedisRedirection> moved =
      ParseRedisRedirection(RedisReply::Error("MOVED 3999 127.0.0.1:6381"));
  ASSERT_TRUE(moved.has_value());
  EXPECT_FALSE(moved->ask);
  EXPECT_EQ(moved->target, (RedisNodeAddress{"127.0.0.1", 6381}));

  std::optional<RedisRedirection> ask =
      ParseRedisRedirection(RedisReply::Error("ASK 12182 redis-2.example:7000"));
  ASSERT_TRUE(ask.has_value());
  EXPECT_TRUE(ask->ask);
  EXPECT_EQ(ask->target.ToString(), "redis-2.example:7000");
}

TEST(RedisRedirectionTest, AnythingElseIsNoRedirection) {
  EXPECT_FALSE(ParseRedisRedirection(RedisReply::Error("NOPERM no channel access")));
  EXPECT_FALSE(ParseRedisRedirection(RedisReply::Error("MOVED 3999")));
  EXPECT_FALSE(ParseRedisRedirection(RedisReply::Error("MOVED 3999 :6381")));
  EXPECT_FALSE(ParseRedisRedirection(RedisReply::Status("MOVED 3999 127.0.0.1:6381")));
  EXPECT_FALSE(ParseRedisRedirection(RedisReply::Integer(1)));
}

}  // namespace
}  // namespace hubgate::gateway
