#include "hubcore/binary_message_reader.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hubcore/hub_errors.h"

namespace hubgate::hubcore {
namespace {

std::string Prefix(size_t length) {
  std::string out;
  AppendLengthPrefix(length, &out);
  return out;
}

std::string Framed(const std::string& payload) { return Prefix(payload.size()) + payload; }

class BinaryMessageReaderTest : public ::testing::Test {
 protected:
  absl::Status Feed(BinaryMessageReader& reader, std::string_view chunk) {
    return reader.Feed(chunk, [this](std::string_view payload) {
      messages_.emplace_back(payload);
      return absl::OkStatus();
    });
  }

  std::vector<std::string> messages_;
};

TEST(LengthPrefixTest, MatchesTheSpecExamples) {
  // HubProtocol.md / BinaryMessageFormat.ts: 7 bits per byte, least significant group first.
  EXPECT_EQ(Prefix(0), std::string("\x00", 1));
  EXPECT_EQ(Prefix(0x0b), "\x0b");
  EXPECT_EQ(Prefix(0x7f), "\x7f");
  EXPECT_EQ(Prefix(0x80), "\x80\x01");
  EXPECT_EQ(Prefix(0x3fff), "\xff\x7f");
  EXPECT_EQ(Prefix(0x4000), std::string("\x80\x80\x01"));
  EXPECT_EQ(Prefix(0x7fffffff), "\xff\xff\xff\xff\x07");
}

TEST_F(BinaryMessageReaderTest, HelloWorldExampleFromTheSpec) {
  BinaryMessageReader reader(1024);
  ASSERT_TRUE(Feed(reader, "\x0bHello\nWorld").ok());
  EXPECT_EQ(messages_, std::vector<std::string>{"Hello\nWorld"});
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST_F(BinaryMessageReaderTest, SeveralMessagesInOneChunk) {
  BinaryMessageReader reader(1024);
  ASSERT_TRUE(
      Feed(reader, Framed("\x91\x06") + Framed("abc") + Framed(std::string(200, 'x'))).ok());
  EXPECT_EQ(messages_, (std::vector<std::string>{"\x91\x06", "abc", std::string(200, 'x')}));
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST_F(BinaryMessageReaderTest, EmptyPayloadIsPassedOn) {
  BinaryMessageReader reader(1024);
  ASSERT_TRUE(Feed(reader, std::string("\x00\x01z\x00", 4)).ok());
  EXPECT_EQ(messages_, (std::vector<std::string>{"", "z", ""}));
}

TEST_F(BinaryMessageReaderTest, EveryByteInItsOwnChunk) {
  const std::string stream = Framed(std::string(300, 'a')) + Framed("bc") + Framed("");
  BinaryMessageReader reader(1024);
  for (char c : stream) {
    ASSERT_TRUE(Feed(reader, std::string_view(&c, 1)).ok());
  }
  EXPECT_EQ(messages_, (std::vector<std::string>{std::string(300, 'a'), "bc", ""}));
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

TEST_F(BinaryMessageReaderTest, EverySplitPointOfTwoMessages) {
  const std::string stream = Framed(std::string(130, 'p')) + Framed("q");
  for (size_t split = 0; split <= stream.size(); ++split) {
    messages_.clear();
    BinaryMessageReader reader(1024);
    ASSERT_TRUE(Feed(reader, std::string_view(stream).substr(0, split)).ok()) << split;
    ASSERT_TRUE(Feed(reader, std::string_view(stream).substr(split)).ok()) << split;
    EXPECT_EQ(messages_, (std::vector<std::string>{std::string(130, 'p'), "q"})) << split;
    EXPECT_EQ(reader.buffered_bytes(), 0u);
  }
}

TEST_F(BinaryMessageReaderTest, BuffersOnlyTheIncompleteTail) {
  BinaryMessageReader reader(1024);
  ASSERT_TRUE(Feed(reader, Framed("one") + "\x05" + "tw").ok());
  EXPECT_EQ(messages_, std::vector<std::string>{"one"});
  EXPECT_EQ(reader.buffered_bytes(), 3u);  // prefix byte + "tw"
  ASSERT_TRUE(Feed(reader, "").ok());
  EXPECT_EQ(reader.buffered_bytes(), 3u);
  ASSERT_TRUE(Feed(reader, "o!!").ok());
  EXPECT_EQ(messages_, (std::vector<std::string>{"one", "two!!"}));
  EXPECT_EQ(reader.buffered_bytes(), 0u);
  reader.ShrinkToFit();
}

TEST_F(BinaryMessageReaderTest, MessageOfExactlyTheLimitIsAccepted) {
  BinaryMessageReader reader(200);
  ASSERT_TRUE(Feed(reader, Framed(std::string(200, 'm'))).ok());
  ASSERT_EQ(messages_.size(), 1u);
}

TEST_F(BinaryMessageReaderTest, OversizedMessageIsRejectedFromItsPrefixAlone) {
  BinaryMessageReader reader(200);
  // Only the prefix of a 201-byte message arrives: rejected before any payload is buffered.
  absl::Status status = Feed(reader, Prefix(201));
  EXPECT_TRUE(IsHubProtocolError(status)) << status;
  EXPECT_EQ(status.message(), MaximumMessageSizeExceededText(200));
  EXPECT_TRUE(messages_.empty());
}

TEST_F(BinaryMessageReaderTest, OversizedMessageAfterAGoodOneInTheSameChunk) {
  BinaryMessageReader reader(10);
  absl::Status status = Feed(reader, Framed("ok") + Framed(std::string(11, 'x')));
  EXPECT_EQ(status.message(), MaximumMessageSizeExceededText(10));
  EXPECT_EQ(messages_, std::vector<std::string>{"ok"});
}

TEST_F(BinaryMessageReaderTest, OversizedPrefixSplitAcrossChunks) {
  BinaryMessageReader reader(1000);
  const std::string prefix = Prefix(100000);  // 3 bytes
  ASSERT_TRUE(Feed(reader, prefix.substr(0, 2)).ok());
  EXPECT_EQ(Feed(reader, prefix.substr(2)).message(), MaximumMessageSizeExceededText(1000));
}

TEST_F(BinaryMessageReaderTest, PrefixAbove2GbIsRejected) {
  BinaryMessageReader reader(size_t{1} << 40);
  // Fifth byte with bits above the 31st.
  absl::Status status = Feed(reader, "\xff\xff\xff\xff\x08");
  EXPECT_TRUE(IsHubProtocolError(status));
  EXPECT_EQ(status.message(), "Messages over 2GB in size are not supported.");
  // A fifth byte that still says "more follows".
  BinaryMessageReader reader2(size_t{1} << 40);
  EXPECT_TRUE(IsHubProtocolError(Feed(reader2, "\x80\x80\x80\x80\x80")));
}

TEST_F(BinaryMessageReaderTest, LargestPrefixIsAcceptedWhenTheLimitAllowsIt) {
  BinaryMessageReader reader(size_t{1} << 40);
  ASSERT_TRUE(Feed(reader, "\xff\xff\xff\xff\x07").ok());
  EXPECT_TRUE(messages_.empty());
  EXPECT_EQ(reader.buffered_bytes(), 5u);
}

TEST_F(BinaryMessageReaderTest, ErrorFromCallbackStopsReading) {
  BinaryMessageReader reader(1024);
  int calls = 0;
  absl::Status status =
      reader.Feed(Framed("a") + Framed("b") + Framed("c"), [&](std::string_view payload) {
        ++calls;
        return payload == "b" ? HubProtocolError("bad") : absl::OkStatus();
      });
  EXPECT_EQ(status.message(), "bad");
  EXPECT_EQ(calls, 2);
}

TEST_F(BinaryMessageReaderTest, ErrorFromCallbackForABufferedMessage) {
  BinaryMessageReader reader(1024);
  ASSERT_TRUE(
      reader.Feed(std::string(1, '\x03') + "ab", [](std::string_view) { return absl::OkStatus(); })
          .ok());
  absl::Status status =
      reader.Feed("c", [](std::string_view payload) { return HubProtocolError(payload); });
  EXPECT_EQ(status.message(), "abc");
  EXPECT_EQ(reader.buffered_bytes(), 0u);
}

}  // namespace
}  // namespace hubgate::hubcore
