#include "gateway/backplane/redis_connection.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "tests/gateway/backplane/redis_server_fixture.h"

namespace hubgate::gateway {
namespace {

using testing::FreeLoopbackPort;
using testing::RedisServerProcess;
using testing::RunUntil;

RedisConnectionOptions LoopbackOptions(uint16_t port) {
  RedisConnectionOptions options;
  options.host = "127.0.0.1";
  options.port = port;
  options.connect_timeout = std::chrono::milliseconds(2000);
  return options;
}

// Connects and runs the loop until the outcome is known.
absl::Status ConnectNow(net::io_context& io_context, RedisConnection& connection) {
  std::optional<absl::Status> outcome;
  connection.Connect([&](absl::Status status) { outcome = status; });
  EXPECT_TRUE(RunUntil(io_context, [&] { return outcome.has_value(); }));
  return outcome.value_or(absl::DeadlineExceededError("no connect outcome"));
}

absl::StatusOr<RedisReply> SendNow(net::io_context& io_context, RedisConnection& connection,
                                   std::initializer_list<std::string_view> args) {
  std::optional<absl::StatusOr<RedisReply>> reply;
  connection.Send(args, [&](absl::StatusOr<RedisReply> result) { reply = std::move(result); });
  EXPECT_TRUE(RunUntil(io_context, [&] { return reply.has_value(); }));
  return reply.value_or(absl::DeadlineExceededError("no reply"));
}

class RedisConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_.Start()); }

  net::io_context io_context_;
  RedisServerProcess redis_;
};

TEST_F(RedisConnectionTest, PipelinedRepliesReachTheirCallbacksInOrder) {
  auto connection = RedisConnection::Create(io_context_, LoopbackOptions(redis_.port()));
  ASSERT_TRUE(ConnectNow(io_context_, *connection).ok());
  std::vector<std::string> replies;
  auto record = [&](absl::StatusOr<RedisReply> reply) {
    replies.push_back(reply.ok() ? reply->DebugString() : reply.status().ToString());
  };
  connection->Send({"SET", "k", "v1"}, record);
  connection->Send({"GET", "k"}, record);
  connection->Send({"INCR", "k"}, record);
  connection->Send({"ECHO", "last"}, record);
  ASSERT_TRUE(RunUntil(io_context_, [&] { return replies.size() == 4; }));
  EXPECT_EQ(replies[0], "+OK");
  EXPECT_EQ(replies[1], "v1");
  EXPECT_EQ(replies[2].substr(0, 4), "-ERR");  // an error reply is a reply, in its place
  EXPECT_EQ(replies[3], "last");
}

TEST_F(RedisConnectionTest, ShardedMessagesGoToThePushCallbackNotTheFifo) {
  auto subscriber = RedisConnection::Create(io_context_, LoopbackOptions(redis_.port()));
  auto publisher = RedisConnection::Create(io_context_, LoopbackOptions(redis_.port()));
  std::vector<RedisReply> pushes;
  subscriber->SetPushCallback([&](const RedisReply& push) { pushes.push_back(push); });
  ASSERT_TRUE(ConnectNow(io_context_, *subscriber).ok());
  ASSERT_TRUE(ConnectNow(io_context_, *publisher).ok());

  std::optional<absl::StatusOr<RedisReply>> confirmation;
  subscriber->SendSubscription("SSUBSCRIBE", "news", [&](auto reply) { confirmation = reply; });
  ASSERT_TRUE(RunUntil(io_context_, [&] { return confirmation.has_value(); }));
  ASSERT_TRUE(confirmation->ok());
  EXPECT_EQ((*confirmation)->DebugString(), "[ssubscribe, news, 1]");

  absl::StatusOr<RedisReply> receivers =
      SendNow(io_context_, *publisher, {"SPUBLISH", "news", "hi"});
  ASSERT_TRUE(receivers.ok());
  EXPECT_EQ(receivers->integer(), 1);
  ASSERT_TRUE(RunUntil(io_context_, [&] { return pushes.size() == 2; }));
  EXPECT_EQ(pushes[0].DebugString(), "[ssubscribe, news, 1]");
  EXPECT_EQ(pushes[1].DebugString(), "[smessage, news, hi]");
  EXPECT_EQ(subscriber->pending_replies(), 0u);
}

TEST_F(RedisConnectionTest, LossFailsEveryPendingCallbackThenFiresTheClosedCallback) {
  auto connection = RedisConnection::Create(io_context_, LoopbackOptions(redis_.port()));
  std::vector<std::string> events;
  connection->SetClosedCallback([&](absl::Status reason) {
    events.push_back("closed " + std::string(absl::StatusCodeToString(reason.code())));
  });
  ASSERT_TRUE(ConnectNow(io_context_, *connection).ok());
  // BLPOP on an empty list waits for ever, so these stay pending until the server goes.
  for (int i = 0; i < 3; ++i) {
    connection->Send({"BLPOP", "empty", "0"}, [&](absl::StatusOr<RedisReply> reply) {
      events.push_back(reply.ok() ? "reply"
                                  : std::string(absl::StatusCodeToString(reply.status().code())));
    });
  }
  ASSERT_TRUE(RunUntil(io_context_, [&] { return connection->pending_replies() == 3; }));
  redis_.Stop();
  ASSERT_TRUE(RunUntil(io_context_, [&] { return events.size() == 4; }));
  EXPECT_EQ(events, (std::vector<std::string>{"UNAVAILABLE", "UNAVAILABLE", "UNAVAILABLE",
                                              "closed UNAVAILABLE"}));
  EXPECT_FALSE(connection->is_open());

  std::optional<absl::Status> after;
  connection->Send({"PING"}, [&](absl::StatusOr<RedisReply> reply) { after = reply.status(); });
  ASSERT_TRUE(RunUntil(io_context_, [&] { return after.has_value(); }));
  EXPECT_EQ(after->code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(after->message().find(redis_.address()), std::string_view::npos) << *after;
}

TEST_F(RedisConnectionTest, CommandsPastTheOutgoingBoundFailWithResourceExhausted) {
  RedisConnectionOptions options = LoopbackOptions(redis_.port());
  options.max_outgoing_bytes = 1024;
  auto connection = RedisConnection::Create(io_context_, options);
  ASSERT_TRUE(ConnectNow(io_context_, *connection).ok());
  std::string payload(300, 'x');
  int ok = 0;
  int exhausted = 0;
  // Nothing is written before the loop runs again, so the buffer fills up.
  for (int i = 0; i < 10; ++i) {
    connection->Send({"ECHO", payload}, [&](absl::StatusOr<RedisReply> reply) {
      if (reply.ok() && reply->str() == payload) {
        ++ok;
      } else if (reply.status().code() == absl::StatusCode::kResourceExhausted) {
        ++exhausted;
      }
    });
  }
  ASSERT_TRUE(RunUntil(io_context_, [&] { return ok + exhausted == 10; }));
  EXPECT_GE(ok, 1);
  EXPECT_LE(ok, 4);  // about 1024 / 320 bytes per command
  EXPECT_EQ(exhausted, 10 - ok);
  // Once written, the room is back.
  absl::StatusOr<RedisReply> later = SendNow(io_context_, *connection, {"ECHO", payload});
  ASSERT_TRUE(later.ok()) << later.status();
}

TEST_F(RedisConnectionTest, CommandsPastThePendingReplyBoundFailWithResourceExhausted) {
  RedisConnectionOptions options = LoopbackOptions(redis_.port());
  options.max_pending_replies = 2;
  auto connection = RedisConnection::Create(io_context_, options);
  ASSERT_TRUE(ConnectNow(io_context_, *connection).ok());
  std::vector<std::string> outcomes;
  for (int i = 0; i < 3; ++i) {
    connection->Send({"PING"}, [&](absl::StatusOr<RedisReply> reply) {
      outcomes.push_back(reply.ok() ? reply->DebugString() : reply.status().ToString());
    });
  }
  ASSERT_TRUE(RunUntil(io_context_, [&] { return outcomes.size() == 3; }));
  // The refusal is posted at once, so it comes before the replies.
  EXPECT_EQ(outcomes[0].substr(0, 18), "RESOURCE_EXHAUSTED") << outcomes[0];
  EXPECT_EQ(outcomes[1], "+PONG");
  EXPECT_EQ(outcomes[2], "+PONG");
}

TEST(RedisConnectionAuthTest, AuthenticatesWithThePasswordAndRefusesAWrongOne) {
  net::io_context io_context;
  RedisServerProcess redis({"--requirepass", "s3cret"});
  ASSERT_TRUE(redis.Start());

  RedisConnectionOptions options = LoopbackOptions(redis.port());
  options.password = "s3cret";
  auto good = RedisConnection::Create(io_context, options);
  ASSERT_TRUE(ConnectNow(io_context, *good).ok());
  absl::StatusOr<RedisReply> pong = SendNow(io_context, *good, {"PING"});
  ASSERT_TRUE(pong.ok());
  EXPECT_EQ(pong->DebugString(), "+PONG");

  options.password = "wrong";
  auto bad = RedisConnection::Create(io_context, options);
  absl::Status refused = ConnectNow(io_context, *bad);
  EXPECT_EQ(refused.code(), absl::StatusCode::kPermissionDenied) << refused;
  EXPECT_FALSE(bad->is_open());

  options.password.clear();
  auto anonymous = RedisConnection::Create(io_context, options);
  ASSERT_TRUE(ConnectNow(io_context, *anonymous).ok());
  absl::StatusOr<RedisReply> denied = SendNow(io_context, *anonymous, {"PING"});
  ASSERT_TRUE(denied.ok());
  EXPECT_TRUE(denied->is_error());
  EXPECT_EQ(denied->str().substr(0, 6), "NOAUTH");
}

TEST(RedisConnectionRefusedTest, ConnectToAClosedPortIsUnavailable) {
  net::io_context io_context;
  auto connection = RedisConnection::Create(io_context, LoopbackOptions(FreeLoopbackPort()));
  absl::Status status = ConnectNow(io_context, *connection);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("cannot connect"), std::string_view::npos) << status;
}

TEST_F(RedisConnectionTest, CloseDuringConnectReportsClosed) {
  auto connection = RedisConnection::Create(io_context_, LoopbackOptions(redis_.port()));
  std::optional<absl::Status> outcome;
  connection->Connect([&](absl::Status status) { outcome = status; });
  connection->Close();
  ASSERT_TRUE(RunUntil(io_context_, [&] { return outcome.has_value(); }));
  EXPECT_EQ(outcome->code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(outcome->message().find("closed"), std::string_view::npos) << *outcome;
  EXPECT_FALSE(connection->is_open());
}

// A plain TCP server that answers with junk: the client reports a protocol error and closes.
TEST(RedisConnectionGarbageTest, ANonRedisServerGivesAClearErrorNotACrash) {
  net::io_context io_context;
  tcp::acceptor acceptor(io_context, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  tcp::socket peer(io_context);
  const std::string junk = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
  acceptor.async_accept(peer, [&](error_code ec) {
    ASSERT_FALSE(ec);
    net::async_write(peer, net::buffer(junk), [](error_code, size_t) {});
  });
  auto connection =
      RedisConnection::Create(io_context, LoopbackOptions(acceptor.local_endpoint().port()));
  std::optional<absl::Status> closed;
  connection->SetClosedCallback([&](absl::Status reason) { closed = reason; });
  ASSERT_TRUE(ConnectNow(io_context, *connection).ok());
  std::optional<absl::Status> reply;
  connection->Send({"PING"}, [&](absl::StatusOr<RedisReply> result) { reply = result.status(); });
  ASSERT_TRUE(RunUntil(io_context, [&] { return reply.has_value() && closed.has_value(); }));
  EXPECT_EQ(reply->code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(closed->message().find("not a Redis"), std::string_view::npos) << *closed;
  EXPECT_FALSE(connection->is_open());
}

// A TCP server that accepts and never says a word.
class SilentServerTest : public ::testing::Test {
 protected:
  SilentServerTest()
      : acceptor_(io_context_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
    acceptor_.async_accept(peer_, [](error_code) {});
  }

  RedisConnectionOptions Options() {
    RedisConnectionOptions options = LoopbackOptions(acceptor_.local_endpoint().port());
    options.connect_timeout = std::chrono::milliseconds(200);
    options.reply_timeout = std::chrono::milliseconds(200);
    return options;
  }

  net::io_context io_context_;
  tcp::acceptor acceptor_;
  tcp::socket peer_{io_context_};
};

TEST_F(SilentServerTest, AnUnansweredAuthFailsTheConnectWithinTheTimeout) {
  RedisConnectionOptions options = Options();
  options.password = "pw";
  auto connection = RedisConnection::Create(io_context_, options);
  auto started = std::chrono::steady_clock::now();
  absl::Status status = ConnectNow(io_context_, *connection);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("did not answer AUTH"), std::string_view::npos) << status;
  EXPECT_FALSE(connection->is_open());
}

TEST_F(SilentServerTest, AnUnansweredCommandDropsTheConnection) {
  auto connection = RedisConnection::Create(io_context_, Options());
  std::optional<absl::Status> closed;
  connection->SetClosedCallback([&](absl::Status reason) { closed = reason; });
  ASSERT_TRUE(ConnectNow(io_context_, *connection).ok());
  std::optional<absl::Status> reply;
  connection->Send({"PING"}, [&](absl::StatusOr<RedisReply> result) { reply = result.status(); });
  ASSERT_TRUE(RunUntil(io_context_, [&] { return reply.has_value() && closed.has_value(); },
                       std::chrono::seconds(2)));
  EXPECT_EQ(reply->code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(closed->message().find("no reply within 200 ms"), std::string_view::npos) << *closed;
}

}  // namespace
}  // namespace hubgate::gateway
