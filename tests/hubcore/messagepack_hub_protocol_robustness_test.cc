#include "hubcore/messagepack_hub_protocol.h"

// Hostile and broken input: truncated, corrupted and random bytes are errors, never crashes or
// over-reads (the sanitizer build checks those); any chunking of a stream parses the same.

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hubcore/binary_message_reader.h"
#include "hubcore/hub_errors.h"
#include "messagepack_hub_protocol_test_helpers.h"

namespace hubgate::hubcore {
namespace {

using testing::FromHex;
using testing::JsVector;
using testing::kJsVectors;
using testing::Payload;
using testing::ToHex;

// Every golden vector cut at every byte is an error, never a crash or an over-read (the
// sanitizer build checks the latter); so is every single-byte corruption that breaks it.
TEST(MessagePackHubProtocolTest, TruncatedVectorsAreErrors) {
  for (const JsVector& v : kJsVectors) {
    const std::string payload = Payload(v.name);
    for (size_t length = 0; length < payload.size(); ++length) {
      // A fresh copy of exactly `length` bytes, so ASan catches reads past its end.
      const std::string cut = payload.substr(0, length);
      absl::StatusOr<HubMessage> message = MessagePackHubProtocol::Parse(cut);
      EXPECT_FALSE(message.ok()) << v.name << " cut at " << length;
      EXPECT_TRUE(IsHubProtocolError(message.status())) << v.name << ": " << message.status();
    }
  }
}

TEST(MessagePackHubProtocolTest, CorruptedVectorsDoNotCrash) {
  for (const JsVector& v : kJsVectors) {
    const std::string payload = Payload(v.name);
    for (size_t i = 0; i < payload.size(); ++i) {
      for (int replacement :
           {0x00, 0x7f, 0x80, 0x9f, 0xc0, 0xc1, 0xc7, 0xd4, 0xd9, 0xdc, 0xdd, 0xde, 0xdf, 0xff}) {
        std::string corrupted = payload;
        corrupted[i] = static_cast<char>(replacement);
        absl::StatusOr<HubMessage> message = MessagePackHubProtocol::Parse(corrupted);
        if (!message.ok()) {
          EXPECT_TRUE(IsHubProtocolError(message.status()) || absl::IsNotFound(message.status()))
              << v.name << " byte " << i << ": " << message.status();
        }
      }
    }
  }
}

// Random bytes, biased towards MessagePack headers, with a fixed seed so failures reproduce.
TEST(MessagePackHubProtocolTest, RandomInputDoesNotCrash) {
  std::mt19937 rng(20240102);
  constexpr uint8_t kInteresting[] = {0x90, 0x91, 0x95, 0x96, 0x80, 0x81, 0xc0, 0xc3,
                                      0xa1, 0xd9, 0xdc, 0xdd, 0xde, 0xdf, 0xc4, 0xc7,
                                      0xd6, 0xd7, 0xcf, 0xff, 0x01, 0x03, 0x07};
  for (int round = 0; round < 20000; ++round) {
    std::string input(rng() % 48, '\0');
    for (char& c : input) {
      c = static_cast<char>(rng() % 2 ? kInteresting[rng() % sizeof(kInteresting)] : rng());
    }
    absl::StatusOr<HubMessage> message = MessagePackHubProtocol::Parse(input);
    if (!message.ok()) {
      EXPECT_TRUE(IsHubProtocolError(message.status()) || absl::IsNotFound(message.status()))
          << ToHex(input) << ": " << message.status();
    }
  }
}

TEST(MessagePackHubProtocolTest, AllVectorsInOneStreamWithRandomChunking) {
  std::string stream;
  for (const JsVector& v : kJsVectors) {
    stream += FromHex(v.hex);
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    BinaryMessageReader reader(1 << 20);
    size_t parsed = 0;
    size_t pos = 0;
    while (pos < stream.size()) {
      const size_t take = std::min<size_t>(stream.size() - pos, 1 + rng() % 40);
      ASSERT_TRUE(reader
                      .Feed(std::string_view(stream).substr(pos, take),
                            [&](std::string_view payload) {
                              ++parsed;
                              return MessagePackHubProtocol::Parse(payload).status();
                            })
                      .ok());
      pos += take;
    }
    EXPECT_EQ(parsed, std::size(kJsVectors));
    EXPECT_EQ(reader.buffered_bytes(), 0u);
  }
}

TEST(MessagePackHubProtocolTest, TruncatedFramesAreHeldNotParsed) {
  for (const JsVector& v : kJsVectors) {
    const std::string frame = FromHex(v.hex);
    BinaryMessageReader reader(1 << 20);
    int messages = 0;
    ASSERT_TRUE(reader
                    .Feed(frame.substr(0, frame.size() - 1),
                          [&](std::string_view) {
                            ++messages;
                            return absl::OkStatus();
                          })
                    .ok());
    EXPECT_EQ(messages, 0) << v.name;
    EXPECT_EQ(reader.buffered_bytes(), frame.size() - 1) << v.name;
  }
}

}  // namespace
}  // namespace hubgate::hubcore
