#include "hubcore/stateful_reconnect.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "hubcore/hub_errors.h"
#include "hubcore/serialized_message.h"

namespace hubgate::hubcore {
namespace {

FrameConstSharedPtr Invocation(const std::string& target) {
  return EncodeFrame(InvocationMessage{{}, std::nullopt, target, {}, {}}, HubProtocol::kJson);
}

class StatefulReconnectTest : public ::testing::Test {
 protected:
  // A FunctionRef must not outlive its callable: keep the callable in the fixture.
  StatefulReconnect::WriteFn Writer() { return write_; }
  std::string Take() { return std::exchange(written_, {}); }
  bool Send(const std::string& target, bool bounded = true) {
    return state_.Send(Invocation(target), MessageType::kInvocation, bounded, Writer());
  }

  // Each invocation frame is 38 bytes: the log is full with two; two more may wait beyond it.
  StatefulReconnect state_{HubProtocol::kJson, 70, 100};
  std::string written_;
  std::function<void(FrameConstSharedPtr)> write_ = [this](FrameConstSharedPtr frame) {
    written_ += *frame;
  };
};

TEST_F(StatefulReconnectTest, WritesAndLogsTrackableMessages) {
  EXPECT_TRUE(Send("A"));
  EXPECT_EQ(Take(), *Invocation("A"));
  EXPECT_EQ(state_.sent().buffered_count(), 1u);
  EXPECT_TRUE(state_.Send(EncodeFrame(PingMessage{}, HubProtocol::kJson), MessageType::kPing,
                          false, Writer()));
  EXPECT_EQ(Take(), "{\"type\":6}\x1e");
  EXPECT_EQ(state_.sent().buffered_count(), 1u) << "pings are not tracked";
}

TEST_F(StatefulReconnectTest, FullLogHoldsBackInsteadOfDropping) {
  EXPECT_TRUE(Send("A"));
  EXPECT_TRUE(Send("B"));
  ASSERT_TRUE(state_.sent().full());
  Take();
  EXPECT_TRUE(Send("C"));
  EXPECT_TRUE(Send("D"));
  EXPECT_EQ(Take(), "") << "held back while the client has not acknowledged";
  EXPECT_FALSE(Send("E")) << "beyond the hold limit a bounded write fails";
  EXPECT_TRUE(Send("F", /*bounded=*/false)) << "control frames are always accepted";
  auto verdict = state_.OnReceived(AckMessage{2}, Writer());
  ASSERT_TRUE(verdict.ok());
  EXPECT_EQ(*verdict, StatefulReconnect::Verdict::kSkip);
  EXPECT_EQ(Take(), *Invocation("C") + *Invocation("D")) << "released in order after the Ack";
}

TEST_F(StatefulReconnectTest, UnboundedMessagesAreHeldUpToTwiceTheHoldLimit) {
  // Completions and client-result invocations cannot be dropped, but a client that never Acks
  // must not grow memory without bound either: beyond twice the hold limit the write fails and
  // the connection closes.
  Send("A");
  Send("B");  // the log is full
  for (int held = 0; held < 5; ++held) {
    EXPECT_TRUE(Send("U", /*bounded=*/false)) << held;  // 5 x 39 = 195 <= 200
  }
  EXPECT_FALSE(Send("U", /*bounded=*/false)) << "234 bytes would pass twice the hold limit";
  EXPECT_LE(state_.held_bytes(), 200u);
}

TEST_F(StatefulReconnectTest, OneFrameLargerThanTheHoldLimitFitsAnEmptyHoldQueue) {
  Send("A");
  Send("B");  // the log is full
  const std::string big(150, 'x');
  EXPECT_TRUE(Send(big)) << "an empty hold queue takes one frame of any size";
  EXPECT_FALSE(Send("C")) << "and nothing bounded after it until the client acknowledges";
}

TEST_F(StatefulReconnectTest, ACloseFirstReleasesWhatWasHeldBack) {
  Send("A");
  Send("B");
  Send("C");  // held back: the log is full
  Take();
  state_.Send(EncodeFrame(CloseMessage{}, HubProtocol::kJson), MessageType::kClose, false,
              Writer());
  EXPECT_EQ(Take(), *Invocation("C") + "{\"type\":7}\x1e") << "no reconnect follows a Close";
}

TEST_F(StatefulReconnectTest, ReattachWritesSequenceAndReplaysUnacked) {
  Send("A");
  Send("B");
  ASSERT_TRUE(state_.OnReceived(AckMessage{1}, Writer()).ok());
  state_.Detach();
  Take();
  state_.Send(EncodeFrame(PingMessage{}, HubProtocol::kJson), MessageType::kPing, false,
              Writer());
  EXPECT_EQ(Take(), "") << "nothing is written while detached";
  state_.Reattach(Writer());
  EXPECT_EQ(Take(), "{\"type\":9,\"sequenceId\":2}\x1e" + *Invocation("B"));
}

TEST_F(StatefulReconnectTest, MessagesLoggedWhileDetachedAreReplayed) {
  Send("A");
  state_.Detach();
  Take();
  Send("B");
  Send("C");  // log full: held back
  EXPECT_EQ(Take(), "");
  state_.Reattach(Writer());
  EXPECT_EQ(Take(), "{\"type\":9,\"sequenceId\":1}\x1e" + *Invocation("A") + *Invocation("B"));
  ASSERT_TRUE(state_.OnReceived(AckMessage{2}, Writer()).ok());
  EXPECT_EQ(Take(), *Invocation("C"));
}

TEST_F(StatefulReconnectTest, SequenceWithoutAnythingUnackedNamesTheNextId) {
  Send("A");
  ASSERT_TRUE(state_.OnReceived(AckMessage{1}, Writer()).ok());
  state_.Detach();
  Take();
  state_.Reattach(Writer());
  EXPECT_EQ(Take(), "{\"type\":9,\"sequenceId\":2}\x1e");
}

TEST_F(StatefulReconnectTest, FiltersTheClientsReplayAndAcks) {
  const HubMessage invocation = InvocationMessage{{}, std::string("1"), "M", {}, {}};
  EXPECT_EQ(*state_.OnReceived(invocation, Writer()), StatefulReconnect::Verdict::kProcess);
  EXPECT_EQ(*state_.OnReceived(invocation, Writer()), StatefulReconnect::Verdict::kProcess);
  state_.OnTick(Writer());
  EXPECT_EQ(Take(), "{\"type\":8,\"sequenceId\":2}\x1e");
  state_.OnTick(Writer());
  EXPECT_EQ(Take(), "") << "no new Ack without new messages";

  state_.Detach();
  state_.Reattach(Writer());
  Take();
  EXPECT_EQ(*state_.OnReceived(invocation, Writer()), StatefulReconnect::Verdict::kSkip)
      << "ignored until the client's Sequence";
  EXPECT_EQ(*state_.OnReceived(SequenceMessage{2}, Writer()), StatefulReconnect::Verdict::kSkip);
  EXPECT_EQ(*state_.OnReceived(invocation, Writer()), StatefulReconnect::Verdict::kSkip)
      << "2 was processed before the reconnect";
  EXPECT_EQ(*state_.OnReceived(invocation, Writer()), StatefulReconnect::Verdict::kProcess);
  EXPECT_TRUE(IsHubProtocolError(state_.OnReceived(SequenceMessage{9}, Writer()).status()));
}

}  // namespace
}  // namespace hubgate::hubcore
