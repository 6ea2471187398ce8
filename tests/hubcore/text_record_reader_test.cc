#include "hubcore/text_record_reader.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hubcore/hub_errors.h"

namespace hubgate::hubcore {
namespace {

class TextRecordReaderTest : public ::testing::Test {
 protected:
  absl::Status Feed(TextRecordReader& reader, std::string_view chunk) {
    return reader.Feed(chunk, [this](std::string_view record) {
      records_.emplace_back(record);
      return absl::OkStatus();
    });
  }

  std::vector<std::string> records_;
};

TEST_F(TextRecordReaderTest, OneRecord) {
  TextRecordReader reader(1024);
  ASSERT_TRUE(Feed(reader, "{\"type\":6}\x1e").ok());
  EXPECT_EQ(records_, std::vector<std::string>{"{\"type\":6}"});
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST_F(TextRecordReaderTest, SeveralRecordsInOneChunk) {
  TextRecordReader reader(1024);
  ASSERT_TRUE(Feed(reader,
                   "{}\x1e{\"type\":6}\x1e"
                   "abc\x1e")
                  .ok());
  EXPECT_EQ(records_, (std::vector<std::string>{"{}", "{\"type\":6}", "abc"}));
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST_F(TextRecordReaderTest, RecordSplitAcrossThreeFeeds) {
  TextRecordReader reader(1024);
  ASSERT_TRUE(Feed(reader, "{\"ty").ok());
  EXPECT_TRUE(records_.empty());
  EXPECT_EQ(reader.buffered_bytes(), 4u);
  ASSERT_TRUE(Feed(reader, "pe\":").ok());
  EXPECT_TRUE(records_.empty());
  EXPECT_EQ(reader.buffered_bytes(), 8u);
  ASSERT_TRUE(Feed(reader, "6}\x1e").ok());
  EXPECT_EQ(records_, std::vector<std::string>{"{\"type\":6}"});
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST_F(TextRecordReaderTest, ChunkFinishesOneRecordAndStartsTheNext) {
  TextRecordReader reader(1024);
  ASSERT_TRUE(Feed(reader, "ab").ok());
  ASSERT_TRUE(Feed(reader,
                   "c\x1e"
                   "de")
                  .ok());
  EXPECT_EQ(reader.buffered_bytes(), 2u);
  ASSERT_TRUE(Feed(reader, "f\x1eghi\x1e").ok());
  EXPECT_EQ(records_, (std::vector<std::string>{"abc", "def", "ghi"}));
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST_F(TextRecordReaderTest, SeparatorAloneFinishesABufferedRecord) {
  TextRecordReader reader(1024);
  ASSERT_TRUE(Feed(reader, "abc").ok());
  ASSERT_TRUE(Feed(reader, "\x1e").ok());
  EXPECT_EQ(records_, std::vector<std::string>{"abc"});
  ASSERT_TRUE(Feed(reader, "").ok());
  EXPECT_EQ(records_.size(), 1u);
}

TEST_F(TextRecordReaderTest, EmptyRecordsAreSkipped) {
  TextRecordReader reader(1024);
  ASSERT_TRUE(Feed(reader,
                   "\x1e\x1e"
                   "a\x1e\x1e")
                  .ok());
  ASSERT_TRUE(Feed(reader,
                   "\x1e"
                   "b\x1e")
                  .ok());
  EXPECT_EQ(records_, (std::vector<std::string>{"a", "b"}));
}

TEST_F(TextRecordReaderTest, RecordsInsideTheChunkAreNotCopied) {
  TextRecordReader reader(1024);
  const std::string chunk = "one\x1etwo\x1e";
  std::vector<const char*> starts;
  ASSERT_TRUE(reader
                  .Feed(chunk,
                        [&](std::string_view record) {
                          starts.push_back(record.data());
                          return absl::OkStatus();
                        })
                  .ok());
  EXPECT_EQ(starts, (std::vector<const char*>{chunk.data(), chunk.data() + 4}));
}

TEST_F(TextRecordReaderTest, RecordOfExactlyTheLimitIsAccepted) {
  TextRecordReader reader(4);
  ASSERT_TRUE(Feed(reader, "abcd\x1e").ok());
  ASSERT_TRUE(Feed(reader, "ab").ok());
  ASSERT_TRUE(Feed(reader, "cd").ok());
  ASSERT_TRUE(Feed(reader, "\x1e").ok());
  EXPECT_EQ(records_, (std::vector<std::string>{"abcd", "abcd"}));
}

void ExpectTooLarge(const absl::Status& status) {
  ASSERT_FALSE(status.ok());
  EXPECT_TRUE(IsHubProtocolError(status)) << status;
  EXPECT_EQ(status.message(),
            "The maximum message size of 4B was exceeded. The message size can be configured in "
            "AddHubOptions.");
}

TEST_F(TextRecordReaderTest, CompleteRecordOverTheLimit) {
  TextRecordReader reader(4);
  ExpectTooLarge(Feed(reader,
                      "ok\x1e"
                      "abcde\x1e"
                      "never\x1e"));
  EXPECT_EQ(records_, std::vector<std::string>{"ok"});
}

TEST_F(TextRecordReaderTest, UnterminatedTailOverTheLimit) {
  TextRecordReader reader(4);
  ExpectTooLarge(Feed(reader, "abcde"));
  EXPECT_TRUE(records_.empty());
}

TEST_F(TextRecordReaderTest, PartialGrowingOverTheLimitAcrossFeeds) {
  TextRecordReader reader(4);
  ASSERT_TRUE(Feed(reader, "ab").ok());
  ASSERT_TRUE(Feed(reader, "cd").ok());
  ExpectTooLarge(Feed(reader, "e"));
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST_F(TextRecordReaderTest, PartialFinishedOverTheLimit) {
  TextRecordReader reader(4);
  ASSERT_TRUE(Feed(reader, "abc").ok());
  ExpectTooLarge(Feed(reader, "de\x1e"));
  EXPECT_TRUE(records_.empty());
}

TEST_F(TextRecordReaderTest, CallbackErrorStopsAndIsReturned) {
  TextRecordReader reader(1024);
  std::vector<std::string> seen;
  absl::Status status = reader.Feed(
      "a\x1e"
      "b\x1e"
      "c\x1e",
      [&](std::string_view record) {
        seen.emplace_back(record);
        return record == "b" ? absl::CancelledError("stop") : absl::OkStatus();
      });
  EXPECT_TRUE(absl::IsCancelled(status)) << status;
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
}

TEST_F(TextRecordReaderTest, CallbackErrorOnBufferedRecordClearsTheBuffer) {
  TextRecordReader reader(1024);
  ASSERT_TRUE(Feed(reader, "ab").ok());
  absl::Status status = reader.Feed(
      "c\x1e"
      "d",
      [](std::string_view record) {
        EXPECT_EQ(record, "abc");
        return absl::InvalidArgumentError("bad");
      });
  EXPECT_TRUE(absl::IsInvalidArgument(status));
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST_F(TextRecordReaderTest, ByteByByte) {
  TextRecordReader reader(64);
  const std::string stream = "{\"protocol\":\"json\",\"version\":1}\x1e{\"type\":6}\x1e";
  for (char c : stream) {
    ASSERT_TRUE(Feed(reader, std::string_view(&c, 1)).ok());
  }
  EXPECT_EQ(records_,
            (std::vector<std::string>{"{\"protocol\":\"json\",\"version\":1}", "{\"type\":6}"}));
  reader.ShrinkToFit();
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

}  // namespace
}  // namespace hubgate::hubcore
