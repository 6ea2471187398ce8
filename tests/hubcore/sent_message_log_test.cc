#include "hubcore/sent_message_log.h"

#include <gtest/gtest.h>

namespace hubgate::hubcore {
namespace {

TEST(SentMessageLogTest, CountsFromOneAndForgetsWhatIsAcked) {
  SentMessageLog log(100);
  EXPECT_EQ(log.first_unacked_id(), 1);
  log.Record(MakeFrame("aaaa"));  // 1
  log.Record(MakeFrame("bb"));    // 2
  log.Record(MakeFrame("c"));     // 3
  EXPECT_EQ(log.next_id(), 4);
  EXPECT_EQ(log.first_unacked_id(), 1);
  EXPECT_EQ(log.buffered_bytes(), 7u);
  log.Ack(2);
  EXPECT_EQ(log.first_unacked_id(), 3);
  ASSERT_EQ(log.unacked().size(), 1u);
  EXPECT_EQ(*log.unacked().front(), "c");
  EXPECT_EQ(log.buffered_bytes(), 1u);
  log.Ack(1);  // an old Ack changes nothing
  EXPECT_EQ(log.first_unacked_id(), 3);
  log.Ack(99);  // beyond what was sent: everything
  EXPECT_EQ(log.buffered_count(), 0u);
  EXPECT_EQ(log.first_unacked_id(), 4) << "the next id, when nothing is kept";
}

TEST(SentMessageLogTest, FullAtTheByteLimit) {
  SentMessageLog log(10);
  log.Record(MakeFrame(std::string(6, 'x')));
  EXPECT_FALSE(log.full());
  log.Record(MakeFrame(std::string(4, 'x')));
  EXPECT_TRUE(log.full());
  log.Ack(1);
  EXPECT_FALSE(log.full());
}

TEST(SentMessageLogTest, TrackableTypes) {
  EXPECT_TRUE(SentMessageLog::IsTrackable(MessageType::kInvocation));
  EXPECT_TRUE(SentMessageLog::IsTrackable(MessageType::kCancelInvocation));
  EXPECT_FALSE(SentMessageLog::IsTrackable(MessageType::kPing));
  EXPECT_FALSE(SentMessageLog::IsTrackable(MessageType::kClose));
  EXPECT_FALSE(SentMessageLog::IsTrackable(MessageType::kAck));
  EXPECT_FALSE(SentMessageLog::IsTrackable(MessageType::kSequence));
}

}  // namespace
}  // namespace hubgate::hubcore
