// HubConnection with stateful reconnect: kept across an unclean transport loss, resumed with
// Sequence and replay, duplicates from the client's replay skipped.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "hubcore/hub_connection.h"
#include "hubcore/serialized_message.h"
#include "tests/mocks/fake_connection_host.h"
#include "tests/mocks/fake_hub_backend.h"

namespace hubgate::hubcore {
namespace {

using std::chrono::seconds;

class HubConnectionStatefulTest : public ::testing::Test {
 protected:
  HubConnectionStatefulTest() {
    options_.name = "posts";
    options_.stateful_reconnect = true;
    options_.disconnect_timeout = seconds(15);
    backend_.AddMethod("Work", MethodInfo::Kind::kInvoke);
  }

  HubConnection& Connected(int version, bool negotiated = true) {
    CallContext context;
    context.hub = "posts";
    context.connection_id = "id1";
    connection_ = std::make_unique<HubConnection>(context, options_, host_, &backend_, now_);
    if (negotiated) connection_->AllowStatefulReconnect();
    connection_->OnData(
        "{\"protocol\":\"json\",\"version\":" + std::to_string(version) + "}\x1e", now_);
    std::move(backend_.pending_connect)(std::string());
    host_.RunPosted();
    EXPECT_EQ(host_.Take(), "{}\x1e");
    return *connection_;
  }
  void Push(HubConnection& c, const std::string& target) {
    SerializedMessage message(InvocationMessage{{}, std::nullopt, target, {}, {}});
    c.Deliver(message);
  }
  static std::string Frame(const std::string& target) {
    return "{\"type\":1,\"target\":\"" + target + "\",\"arguments\":[]}\x1e";
  }

  HubOptions options_;
  testing::FakeConnectionHost host_;
  testing::FakeHubBackend backend_;
  TimePoint now_{};
  std::unique_ptr<HubConnection> connection_;
};

TEST_F(HubConnectionStatefulTest, OnlyWithNegotiationAndVersionTwo) {
  EXPECT_TRUE(Connected(2).stateful());
  EXPECT_FALSE(Connected(1).stateful()) << "version 1: the client did not negotiate it";
  HubConnection& c = Connected(2, /*negotiated=*/false);
  EXPECT_FALSE(c.stateful());
  EXPECT_FALSE(c.OnTransportLost(now_)) << "without stateful reconnect the connection ends";
}

TEST_F(HubConnectionStatefulTest, KeptAcrossALossThenSequenceAndReplay) {
  HubConnection& c = Connected(2);
  Push(c, "A");
  Push(c, "B");
  EXPECT_EQ(host_.Take(), Frame("A") + Frame("B"));
  c.OnData("{\"type\":8,\"sequenceId\":1}\x1e", now_);  // the client processed A

  ASSERT_TRUE(c.OnTransportLost(now_));
  EXPECT_TRUE(c.detached());
  Push(c, "C");  // arrives while the transport is gone
  now_ += seconds(20);
  c.OnTick(now_);
  EXPECT_EQ(host_.Take(), "") << "nothing written while detached, not even a ping";
  EXPECT_EQ(c.state(), HubConnection::State::kConnected) << "no client timeout while detached";

  c.OnTransportReattached(now_);
  EXPECT_EQ(host_.Take(), "{\"type\":9,\"sequenceId\":2}\x1e" + Frame("B") + Frame("C"));
  Push(c, "D");
  EXPECT_EQ(host_.Take(), Frame("D"));
}

TEST_F(HubConnectionStatefulTest, TheClientsReplayedCallsRunOnce) {
  HubConnection& c = Connected(2);
  const std::string call = "{\"type\":1,\"target\":\"Work\",\"arguments\":[]}\x1e";
  c.OnData(call, now_);
  ASSERT_EQ(backend_.calls.size(), 1u);
  backend_.calls[0]->Finish(CallOutcome::Void());  // one call at a time per client
  host_.RunPosted();
  ASSERT_TRUE(c.OnTransportLost(now_));
  c.OnTransportReattached(now_);
  host_.Take();
  c.OnData(call, now_);  // before the client's Sequence: ignored
  c.OnData("{\"type\":9,\"sequenceId\":1}\x1e" + call + call, now_);  // replay of 1, then 2
  EXPECT_EQ(backend_.calls.size(), 2u) << "message 1 ran before the loss; only 2 is new";
  now_ += seconds(1);
  c.OnTick(now_);
  EXPECT_EQ(host_.Take(), "{\"type\":8,\"sequenceId\":2}\x1e");
}

TEST_F(HubConnectionStatefulTest, AMessageCutOffWithTheTransportIsForgotten) {
  HubConnection& c = Connected(2);
  c.OnData("{\"type\":1,\"target\":\"Wo", now_);  // the transport drops mid-message
  ASSERT_TRUE(c.OnTransportLost(now_));
  c.OnTransportReattached(now_);
  host_.Take();
  c.OnData("{\"type\":9,\"sequenceId\":1}\x1e{\"type\":1,\"target\":\"Work\",\"arguments\":[]}\x1e",
           now_);
  EXPECT_EQ(c.state(), HubConnection::State::kConnected);
  EXPECT_EQ(backend_.calls.size(), 1u) << "the replayed message, whole";
}

TEST_F(HubConnectionStatefulTest, SequenceBeyondWhatWasReceivedClosesWithAnError) {
  HubConnection& c = Connected(2);
  c.OnData("{\"type\":9,\"sequenceId\":5}\x1e", now_);
  EXPECT_EQ(c.close_cause(), CloseCause::kProtocolError);
  EXPECT_EQ(c.close_reason(), "Sequence ID greater than amount of messages we've received.");
}

TEST_F(HubConnectionStatefulTest, ReconnectWindowExpires) {
  HubConnection& c = Connected(2);
  ASSERT_TRUE(c.OnTransportLost(now_));
  EXPECT_FALSE(c.ReconnectWindowExpired(now_ + seconds(14)));
  EXPECT_TRUE(c.ReconnectWindowExpired(now_ + seconds(15)));
}

TEST_F(HubConnectionStatefulTest, AFullLogHoldsPushesBackUntilTheClientAcks) {
  options_.stateful_reconnect_buffer_size = 60;  // one or two 30-byte frames
  HubConnection& c = Connected(2);
  Push(c, "A");
  Push(c, "B");
  Push(c, "C");
  EXPECT_EQ(host_.Take(), Frame("A") + Frame("B"));
  c.OnData("{\"type\":8,\"sequenceId\":2}\x1e", now_);
  EXPECT_EQ(host_.Take(), Frame("C")) << "released by the Ack, nothing lost";
}

TEST_F(HubConnectionStatefulTest, AClientThatNeverAcksIsClosedBeforeClientCallsPileUp) {
  options_.stateful_reconnect_buffer_size = 60;
  options_.max_queued_bytes = 200;
  HubConnection& c = Connected(2);
  int failed = 0;
  for (int i = 0; i < 20 && host_.close_calls == 0; ++i) {
    c.InvokeClient("Ask", {}, now_ + seconds(30), [&](absl::StatusOr<ClientResult> result) {
      if (!result.ok()) ++failed;
    });
  }
  EXPECT_EQ(host_.close_calls, 1) << "held back invocations are bounded by twice max_queued_bytes";
  EXPECT_NE(host_.Take().find("Connection closed with an error."), std::string::npos)
      << "the client gets a Close with an error";
  c.OnTransportClosed("");
  EXPECT_GT(failed, 0) << "the backend's waiting client calls fail instead of waiting forever";
}

}  // namespace
}  // namespace hubgate::hubcore
