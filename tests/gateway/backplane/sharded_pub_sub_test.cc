#include "gateway/backplane/sharded_pub_sub.h"

#include <gtest/gtest.h>

#include "tests/gateway/backplane/pub_sub_recorder.h"
#include "tests/gateway/backplane/redis_server_fixture.h"

namespace hubgate::gateway {
namespace {

using namespace std::chrono_literals;
using testing::PubSubRecorder;
using testing::RedisServerProcess;
using testing::RunUntil;
using Message = std::pair<std::string, std::string>;

ShardedPubSubOptions SingleOptions(const RedisServerProcess& redis) {
  ShardedPubSubOptions options;
  options.addresses = {redis.address()};
  options.backoff_initial = 20ms;
  options.backoff_max = 200ms;
  return options;
}

class ShardedPubSubTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(redis_.Start()); }

  net::io_context io_context_;
  RedisServerProcess redis_;
};

TEST_F(ShardedPubSubTest, DeliversWhatIsPublishedToSubscribedChannelsOnly) {
  PubSubRecorder pub_sub(io_context_, SingleOptions(redis_));
  pub_sub->Subscribe("group:a");  // before Start: subscribed once connected
  pub_sub->Start();
  pub_sub->Subscribe("group:b");
  pub_sub->Subscribe("group:b");  // the set holds it once
  ASSERT_TRUE(pub_sub.Settle());
  EXPECT_EQ(pub_sub.states.size(), 1u);
  EXPECT_TRUE(pub_sub.states[0].first);
  EXPECT_EQ(pub_sub->subscription_count(), 2u);

  EXPECT_TRUE(pub_sub.PublishNow("group:a", "one").ok());
  EXPECT_TRUE(pub_sub.PublishNow("group:c", "nobody").ok());
  EXPECT_TRUE(pub_sub.PublishNow("group:b", std::string("t\0o", 3)).ok());
  ASSERT_TRUE(pub_sub.RunUntilMessages(2));

  pub_sub->Unsubscribe("group:a");
  ASSERT_TRUE(pub_sub.Settle());
  EXPECT_TRUE(pub_sub.PublishNow("group:a", "after unsubscribe").ok());
  // One subscriber connection keeps order: "last" arriving proves the one before did not.
  EXPECT_TRUE(pub_sub.PublishNow("group:b", "last").ok());
  ASSERT_TRUE(pub_sub.RunUntilMessages(3));
  EXPECT_EQ(pub_sub.messages, (std::vector<Message>{{"group:a", "one"},
                                                    {"group:b", std::string("t\0o", 3)},
                                                    {"group:b", "last"}}));
}

TEST_F(ShardedPubSubTest, PublishCountsReceiversAndWhenSubscribedWaitsForTheConfirmation) {
  PubSubRecorder pub_sub(io_context_, SingleOptions(redis_));
  PubSubRecorder other(io_context_, SingleOptions(redis_));
  pub_sub->Start();
  other->Start();
  ASSERT_TRUE(pub_sub.Settle());
  ASSERT_TRUE(other.Settle());
  EXPECT_EQ(pub_sub.WaitSubscribed("c:x").code(), absl::StatusCode::kFailedPrecondition);
  // Asked right after Subscribe: the answer comes with the server's confirmation, after which
  // a publish from another connection reaches it.
  pub_sub->Subscribe("c:x");
  EXPECT_TRUE(pub_sub.WaitSubscribed("c:x").ok());
  EXPECT_EQ(other.PublishCounted("c:x", "one").value_or(-1), 1);
  other->Subscribe("c:x");
  ASSERT_TRUE(other.WaitSubscribed("c:x").ok());
  EXPECT_EQ(other.PublishCounted("c:x", "two").value_or(-1), 2);
  EXPECT_EQ(other.PublishCounted("c:nobody", "three").value_or(-1), 0);
  // Already confirmed: answered at once.
  EXPECT_TRUE(pub_sub.WaitSubscribed("c:x").ok());
}

TEST_F(ShardedPubSubTest, SetIfAbsentIsTrueOnlyForTheFirstSet) {
  PubSubRecorder pub_sub(io_context_, SingleOptions(redis_));
  pub_sub->Start();
  ASSERT_TRUE(pub_sub.Settle());
  auto set = [&](std::string_view key) {
    std::optional<absl::StatusOr<bool>> outcome;
    pub_sub->SetIfAbsent(key, 60s, [&](absl::StatusOr<bool> first) { outcome = first; });
    EXPECT_TRUE(RunUntil(io_context_, [&] { return outcome.has_value(); }));
    return outcome.value_or(absl::DeadlineExceededError("no answer"));
  };
  EXPECT_EQ(set("c:x:claimed").value_or(false), true);
  EXPECT_EQ(set("c:x:claimed").value_or(true), false);
  EXPECT_EQ(set("c:y:claimed").value_or(false), true);
}

TEST_F(ShardedPubSubTest, WhenSubscribedReportsADisconnectedBackplane) {
  ShardedPubSubOptions options = SingleOptions(redis_);
  redis_.Stop();
  PubSubRecorder pub_sub(io_context_, options);
  pub_sub->Subscribe("c:x");
  pub_sub->Start();
  EXPECT_EQ(pub_sub.WaitSubscribed("c:x").code(), absl::StatusCode::kUnavailable);
}

TEST_F(ShardedPubSubTest, RedisStoppedThenRestartedDisconnectsFailsPublishesAndRecovers) {
  PubSubRecorder pub_sub(io_context_, SingleOptions(redis_));
  pub_sub->Start();
  pub_sub->Subscribe("user:1");
  pub_sub->Subscribe("user:2");
  ASSERT_TRUE(pub_sub.Settle());

  redis_.Stop();
  ASSERT_TRUE(RunUntil(io_context_, [&] { return !pub_sub->connected(); }));
  ASSERT_EQ(pub_sub.states.size(), 2u);
  EXPECT_FALSE(pub_sub.states[1].first);
  EXPECT_EQ(pub_sub.states[1].second.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(pub_sub.states[1].second.message().find(redis_.address()), std::string::npos)
      << pub_sub.states[1].second;

  auto started = std::chrono::steady_clock::now();
  absl::Status refused = pub_sub.PublishNow("user:1", "during the outage");
  EXPECT_LT(std::chrono::steady_clock::now() - started, 500ms);  // at once, no connect attempt
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(refused.message().find(redis_.address()), std::string::npos) << refused;

  pub_sub->Unsubscribe("user:2");  // while disconnected: not subscribed again
  pub_sub->Subscribe("user:3");    // while disconnected: subscribed once back

  ASSERT_TRUE(redis_.Start());  // same port, empty: the subscriptions must be made again
  ASSERT_TRUE(pub_sub.Settle());
  EXPECT_TRUE(pub_sub.states.back().first);
  EXPECT_EQ(pub_sub->confirmed_subscriptions(), 2u);
  EXPECT_TRUE(pub_sub.PublishNow("user:2", "dropped").ok());
  EXPECT_TRUE(pub_sub.PublishNow("user:1", "back").ok());
  EXPECT_TRUE(pub_sub.PublishNow("user:3", "new").ok());
  ASSERT_TRUE(pub_sub.RunUntilMessages(2));
  EXPECT_EQ(pub_sub.messages, (std::vector<Message>{{"user:1", "back"}, {"user:3", "new"}}));
}

TEST_F(ShardedPubSubTest, TheReconnectDelayDoublesUpToItsCapAndStartsOver) {
  ShardedPubSubOptions options = SingleOptions(redis_);
  options.backoff_initial = 10ms;
  options.backoff_max = 40ms;
  PubSubRecorder pub_sub(io_context_, options);
  pub_sub->Start();
  ASSERT_TRUE(pub_sub.Settle());
  EXPECT_EQ(pub_sub->backoff_for_test(), 10ms);

  redis_.Stop();
  std::vector<std::chrono::milliseconds> delays;
  // Each failed attempt moves the delay; record each value it takes.
  ASSERT_TRUE(RunUntil(io_context_, [&] {
    if (delays.empty() || delays.back() != pub_sub->backoff_for_test()) {
      delays.push_back(pub_sub->backoff_for_test());
    }
    return delays.back() == 40ms;
  }));
  EXPECT_EQ(delays, (std::vector<std::chrono::milliseconds>{10ms, 20ms, 40ms}));
  ASSERT_TRUE(redis_.Start());
  ASSERT_TRUE(pub_sub.Settle());
  EXPECT_EQ(pub_sub->backoff_for_test(), 10ms);
}

TEST_F(ShardedPubSubTest, ConnectsOnceRedisComesUpAfterStart) {
  redis_.Stop();
  PubSubRecorder pub_sub(io_context_, SingleOptions(redis_));
  pub_sub->Subscribe("late");
  pub_sub->Start();
  EXPECT_EQ(pub_sub.PublishNow("late", "too early").code(), absl::StatusCode::kUnavailable);
  ASSERT_TRUE(redis_.Start());
  ASSERT_TRUE(pub_sub.Settle());
  EXPECT_TRUE(pub_sub.PublishNow("late", "now").ok());
  ASSERT_TRUE(pub_sub.RunUntilMessages(1));
  EXPECT_EQ(pub_sub.messages, (std::vector<Message>{{"late", "now"}}));
}

TEST_F(ShardedPubSubTest, APublishPastTheOutgoingBoundFailsWithResourceExhausted) {
  ShardedPubSubOptions options = SingleOptions(redis_);
  options.max_outgoing_bytes = 4096;
  PubSubRecorder pub_sub(io_context_, options);
  pub_sub->Start();
  ASSERT_TRUE(pub_sub.Settle());
  absl::Status status = pub_sub.PublishNow("big", std::string(8192, 'x'));
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_TRUE(pub_sub.PublishNow("small", "fits").ok());
}

TEST_F(ShardedPubSubTest, AuthenticatesWithThePassword) {
  RedisServerProcess guarded({"--requirepass", "pw"});
  ASSERT_TRUE(guarded.Start());
  ShardedPubSubOptions options = SingleOptions(guarded);
  options.password = "pw";
  PubSubRecorder pub_sub(io_context_, options);
  pub_sub->Subscribe("secret");
  pub_sub->Start();
  ASSERT_TRUE(pub_sub.Settle());
  EXPECT_TRUE(pub_sub.PublishNow("secret", "ok").ok());
  ASSERT_TRUE(pub_sub.RunUntilMessages(1));

  options.password = "wrong";
  PubSubRecorder refused(io_context_, options);
  refused->Start();
  // The first outcome is reported even though it is no change from "not connected yet".
  ASSERT_TRUE(RunUntil(io_context_, [&] { return !refused.states.empty(); }));
  EXPECT_FALSE(refused.states[0].first);
  EXPECT_EQ(refused.states[0].second.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(refused.states[0].second.message().find("AUTH"), std::string::npos);
}

TEST_F(ShardedPubSubTest, AnAclUserAuthenticatesAndARefusedChannelIsReportedNotIgnored) {
  // redis-server joins the words after an option into one config line.
  RedisServerProcess guarded({"--user", "default", "off", "--user", "gateway", "on", ">pw", "~*",
                              "&allowed:*", "+@all"});
  ASSERT_TRUE(guarded.Start());
  ShardedPubSubOptions options = SingleOptions(guarded);
  options.user = "gateway";
  options.password = "pw";
  PubSubRecorder pub_sub(io_context_, options);
  pub_sub->Subscribe("allowed:1");
  pub_sub->Start();
  ASSERT_TRUE(pub_sub.Settle());
  EXPECT_TRUE(pub_sub.PublishNow("allowed:1", "in").ok());
  ASSERT_TRUE(pub_sub.RunUntilMessages(1));

  pub_sub->Subscribe("forbidden:1");
  ASSERT_TRUE(RunUntil(io_context_, [&] { return !pub_sub->connected(); }));
  const absl::Status& reason = pub_sub.states.back().second;
  EXPECT_EQ(reason.code(), absl::StatusCode::kFailedPrecondition) << reason;
  EXPECT_NE(reason.message().find("refused SSUBSCRIBE forbidden:1"), std::string::npos) << reason;
  EXPECT_NE(reason.message().find("NOPERM"), std::string::npos) << reason;

  pub_sub->Unsubscribe("forbidden:1");  // the retry then succeeds
  ASSERT_TRUE(pub_sub.Settle());
  EXPECT_TRUE(pub_sub.PublishNow("allowed:1", "again").ok());
  ASSERT_TRUE(pub_sub.RunUntilMessages(2));
  EXPECT_EQ(pub_sub.messages.back(), (Message{"allowed:1", "again"}));
}

TEST(ShardedPubSubOptionsTest, RefusesBadAddressesAndBackoff) {
  net::io_context io_context;
  ShardedPubSubOptions options;
  EXPECT_EQ(ShardedPubSub::Create(io_context, options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.addresses = {"redis"};
  EXPECT_EQ(ShardedPubSub::Create(io_context, options).status().code(),
            absl::StatusCode::kInvalidArgument);
  options.addresses = {"127.0.0.1:6379"};
  options.backoff_max = 1ms;
  EXPECT_EQ(ShardedPubSub::Create(io_context, options).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hubgate::gateway
