#include "hubcore/received_message_sequence.h"

#include <gtest/gtest.h>

#include "hubcore/hub_errors.h"

namespace hubgate::hubcore {
namespace {

TEST(ReceivedMessageSequenceTest, CountsTrackableMessagesAndSaysWhenAnAckIsDue) {
  ReceivedMessageSequence sequence;
  EXPECT_FALSE(sequence.ack_due());
  EXPECT_TRUE(sequence.ShouldProcess(MessageType::kInvocation));
  EXPECT_TRUE(sequence.ShouldProcess(MessageType::kPing));  // not counted
  EXPECT_TRUE(sequence.ShouldProcess(MessageType::kStreamItem));
  EXPECT_TRUE(sequence.ack_due());
  EXPECT_EQ(sequence.latest_received(), 2);
  sequence.MarkAcked();
  EXPECT_FALSE(sequence.ack_due());
}

TEST(ReceivedMessageSequenceTest, AfterAReconnectIgnoresUntilSequenceThenDropsDuplicates) {
  ReceivedMessageSequence sequence;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(sequence.ShouldProcess(MessageType::kInvocation));
  sequence.OnReconnected();
  EXPECT_FALSE(sequence.ShouldProcess(MessageType::kInvocation)) << "before the Sequence";
  ASSERT_TRUE(sequence.OnSequence(2).ok());  // the client replays 2 and 3, then sends 4
  EXPECT_FALSE(sequence.ShouldProcess(MessageType::kInvocation));  // 2
  EXPECT_FALSE(sequence.ShouldProcess(MessageType::kInvocation));  // 3
  EXPECT_TRUE(sequence.ShouldProcess(MessageType::kInvocation));   // 4
  EXPECT_EQ(sequence.latest_received(), 4);
}

TEST(ReceivedMessageSequenceTest, SequenceBeyondWhatWasReceivedIsAnError) {
  ReceivedMessageSequence sequence;
  EXPECT_TRUE(sequence.ShouldProcess(MessageType::kInvocation));
  absl::Status status = sequence.OnSequence(5);
  EXPECT_TRUE(IsHubProtocolError(status));
  EXPECT_EQ(status.message(), "Sequence ID greater than amount of messages we've received.");
}

}  // namespace
}  // namespace hubgate::hubcore
