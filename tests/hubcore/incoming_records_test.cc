// IncomingRecords: records split from bytes in any chunking, and whether one is left open.
#include "hubcore/incoming_records.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace hubgate::hubcore {
namespace {

using ::testing::ElementsAre;

TEST(IncomingRecordsTest, AJsonRecordSplitAcrossChunksIsPartialUntilItsSeparator) {
  IncomingRecords incoming(1024);
  std::vector<std::string> records;
  auto collect = [&](std::string_view record) {
    records.emplace_back(record);
    return absl::OkStatus();
  };
  std::string_view handshake = "{\"protocol\":\"json\",\"version\":1}\x1e{\"type\":6";
  ASSERT_TRUE(incoming.FeedHandshake(handshake, collect).ok());
  EXPECT_FALSE(incoming.HoldsPartialRecord());  // the handshake ended; the rest is not fed yet
  ASSERT_TRUE(incoming.FeedMessages(handshake, HubProtocol::kJson, collect).ok());
  EXPECT_TRUE(incoming.HoldsPartialRecord());
  ASSERT_TRUE(incoming.FeedMessages("}\x1e", HubProtocol::kJson, collect).ok());
  EXPECT_FALSE(incoming.HoldsPartialRecord());
  EXPECT_THAT(records, ElementsAre("{\"protocol\":\"json\",\"version\":1}", "{\"type\":6}"));
}

TEST(IncomingRecordsTest, AMessagePackMessageIsPartialUntilItsLengthIsRead) {
  IncomingRecords incoming(1024);
  int records = 0;
  auto count = [&](std::string_view) {
    ++records;
    return absl::OkStatus();
  };
  // VarInt length 2, then [6] as a one-element array (0x91 0x06).
  ASSERT_TRUE(incoming.FeedMessages(std::string_view("\x02\x91", 2), HubProtocol::kMessagePack,
                                    count)
                  .ok());
  EXPECT_TRUE(incoming.HoldsPartialRecord());
  ASSERT_TRUE(incoming.FeedMessages("\x06", HubProtocol::kMessagePack, count).ok());
  EXPECT_FALSE(incoming.HoldsPartialRecord());
  EXPECT_EQ(records, 1);
  incoming.FeedMessages(std::string_view("\x05", 1), HubProtocol::kMessagePack, count)
      .IgnoreError();
  EXPECT_TRUE(incoming.HoldsPartialRecord());  // a length prefix alone
  incoming.Reset();
  EXPECT_FALSE(incoming.HoldsPartialRecord());
}

}  // namespace
}  // namespace hubgate::hubcore
