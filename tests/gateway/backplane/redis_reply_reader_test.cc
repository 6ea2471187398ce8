#include "gateway/backplane/redis_reply_reader.h"

#include <gtest/gtest.h>

#include "gateway/backplane/redis_command.h"

namespace hubgate::gateway {
namespace {

RedisReply NextOrDie(RedisReplyReader& reader) {
  absl::StatusOr<std::optional<RedisReply>> reply = reader.Next();
  EXPECT_TRUE(reply.ok()) << reply.status();
  EXPECT_TRUE(reply.ok() && reply->has_value());
  return reply.ok() && reply->has_value() ? **reply : RedisReply::Nil();
}

TEST(RedisReplyReaderTest, ParsesEveryRespTwoType) {
  RedisReplyReader reader(1024);
  using namespace std::string_literals;
  ASSERT_TRUE(reader.Feed("+OK\r\n-ERR nope\r\n:42\r\n$3\r\na\0b\r\n$-1\r\n"s).ok());
  EXPECT_EQ(NextOrDie(reader), RedisReply::Status("OK"));
  EXPECT_EQ(NextOrDie(reader), RedisReply::Error("ERR nope"));
  EXPECT_EQ(NextOrDie(reader), RedisReply::Integer(42));
  EXPECT_EQ(NextOrDie(reader), RedisReply::String(std::string("a\0b", 3)));
  EXPECT_EQ(NextOrDie(reader), RedisReply::Nil());
  absl::StatusOr<std::optional<RedisReply>> none = reader.Next();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
}

TEST(RedisReplyReaderTest, AssemblesAnArraySplitAcrossFeeds) {
  RedisReplyReader reader(1024);
  ASSERT_TRUE(reader.Feed("*3\r\n$8\r\nsmessage\r\n$2\r\nch").ok());
  absl::StatusOr<std::optional<RedisReply>> partial = reader.Next();
  ASSERT_TRUE(partial.ok());
  EXPECT_FALSE(partial->has_value());
  ASSERT_TRUE(reader.Feed("\r\n$5\r\nhello\r\n").ok());
  EXPECT_EQ(NextOrDie(reader),
            RedisReply::Array({RedisReply::String("smessage"), RedisReply::String("ch"),
                               RedisReply::String("hello")}));
}

TEST(RedisReplyReaderTest, GarbageIsDataLoss) {
  RedisReplyReader reader(1024);
  ASSERT_TRUE(reader.Feed("HTTP/1.1 400 Bad Request\r\n").ok());
  absl::StatusOr<std::optional<RedisReply>> reply = reader.Next();
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(reply.status().message().find("not a Redis"), std::string_view::npos);
}

TEST(RedisReplyReaderTest, RefusesMoreUnparsedBytesThanTheBound) {
  RedisReplyReader reader(64);
  ASSERT_TRUE(reader.Feed("$1000\r\n").ok());
  absl::Status status = reader.Feed(std::string(100, 'x'));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
}

TEST(RedisReplyReaderTest, RefusesAnArrayAnnouncingTooManyElements) {
  RedisReplyReader reader(1024);
  ASSERT_TRUE(reader.Feed("*2000000000\r\n").ok());
  absl::StatusOr<std::optional<RedisReply>> reply = reader.Next();
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().code(), absl::StatusCode::kDataLoss);
}

TEST(RedisCommandTest, EncodesBinarySafeArguments) {
  EXPECT_EQ(EncodeRedisCommand({"SPUBLISH", "ch", std::string_view("a\0b", 3)}),
            std::string("*3\r\n$8\r\nSPUBLISH\r\n$2\r\nch\r\n$3\r\na\0b\r\n", 35));
}

TEST(RedisReplyTest, DebugStringIsShort) {
  RedisReply reply = RedisReply::Array({RedisReply::String("smessage"), RedisReply::Integer(3),
                                         RedisReply::String(std::string(40, 'x'))});
  EXPECT_EQ(reply.DebugString(), "[smessage, 3, 40 bytes]");
}

}  // namespace
}  // namespace hubgate::gateway
