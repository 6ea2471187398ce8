#include "hubcore/messagepack_hub_protocol.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "gtest/gtest.h"
#include "hubcore/binary_message_reader.h"
#include "hubcore/hub_errors.h"
#include "hubcore/serialized_message.h"
#include "msgpack_vectors/js_vectors.h"

namespace hubgate::hubcore {
namespace {

using testing::FromHex;
using testing::JsVector;
using testing::kJsVectors;
using testing::ToHex;

std::string JsVectorHex(std::string_view name) {
  for (const JsVector& v : kJsVectors) {
    if (v.name == name) {
      return v.hex;
    }
  }
  ADD_FAILURE() << "no vector " << name;
  return "";
}

// The payload of a framed vector (checks that the prefix covers exactly the rest).
std::string Payload(std::string_view name) {
  const std::string frame = FromHex(JsVectorHex(name));
  std::vector<std::string> payloads;
  BinaryMessageReader reader(1 << 20);
  EXPECT_TRUE(reader
                  .Feed(frame,
                        [&](std::string_view payload) {
                          payloads.emplace_back(payload);
                          return absl::OkStatus();
                        })
                  .ok());
  EXPECT_EQ(payloads.size(), 1u) << name;
  EXPECT_EQ(reader.buffered_bytes(), 0u) << name;
  return payloads.empty() ? "" : payloads[0];
}

std::string WriteHex(const HubMessage& message) {
  std::string out;
  MessagePackHubProtocol::Write(message, &out);
  return ToHex(out);
}

template <typename T>
T ParseAs(std::string_view name) {
  absl::StatusOr<HubMessage> message = MessagePackHubProtocol::Parse(Payload(name));
  EXPECT_TRUE(message.ok()) << name << ": " << message.status();
  if (!message.ok() || !std::holds_alternative<T>(*message)) {
    ADD_FAILURE() << "unexpected message type for " << name;
    return T{};
  }
  return std::get<T>(*std::move(message));
}

absl::Status ParseError(std::string_view payload_hex) {
  absl::StatusOr<HubMessage> message = MessagePackHubProtocol::Parse(FromHex(payload_hex));
  EXPECT_FALSE(message.ok()) << payload_hex;
  if (message.ok()) {
    return absl::OkStatus();
  }
  EXPECT_TRUE(IsHubProtocolError(message.status())) << message.status();
  return message.status();
}

// The arguments of invocation_all_types as Values.
std::vector<Value> AllTypesArguments() {
  return {Value(),
          Value(true),
          Value(false),
          Value(42),
          Value(-1),
          Value(int64_t{1} << 40),
          Value(-(int64_t{1} << 40)),
          Value(1.5),
          Value("s"),
          Value(Binary{std::string("\x01\x02\xff")}),
          Value(Timestamp{1704164645, 0}),
          Value(Timestamp{1704164645, 123000000}),
          Value(Timestamp{-1, 0}),
          Value(ValueMap{
              {"a", Value(1)},
              {"b", Value(ValueArray{Value(1), Value("x"), Value(ValueMap{{"c", Value()}})})}}),
          Value(ValueArray{Value(ValueArray{})}),
          Value(255),
          Value(256),
          Value(65536),
          Value(-33),
          Value(-129),
          Value(-32769),
          Value(int64_t{1} << 32)};
}

// ---- Parsing what the JS client writes ----

TEST(MessagePackHubProtocolTest, ParsesInvocationFromJs) {
  auto m = ParseAs<InvocationMessage>("invocation_hello");
  EXPECT_FALSE(m.invocation_id.has_value());
  EXPECT_EQ(m.target, "ReceiveMessage");
  EXPECT_EQ(m.arguments, std::vector<Value>{Value("hello")});
  EXPECT_TRUE(m.stream_ids.empty());
  EXPECT_TRUE(m.headers.empty());
}

TEST(MessagePackHubProtocolTest, ParsesFiveElementInvocation) {
  auto m = ParseAs<InvocationMessage>("invocation_no_stream_ids");
  EXPECT_EQ(m.invocation_id, "0");
  EXPECT_EQ(m.target, "Echo");
  EXPECT_EQ(m.arguments, std::vector<Value>{Value("hi")});
  EXPECT_TRUE(m.stream_ids.empty());
}

TEST(MessagePackHubProtocolTest, ParsesEveryJsValueType) {
  auto m = ParseAs<InvocationMessage>("invocation_all_types");
  EXPECT_EQ(m.invocation_id, "1");
  EXPECT_EQ(m.target, "Send");
  EXPECT_EQ(m.arguments, AllTypesArguments());
}

TEST(MessagePackHubProtocolTest, ParsesStreamIdsAndHeaders) {
  EXPECT_EQ(ParseAs<InvocationMessage>("invocation_with_stream_ids").stream_ids,
            std::vector<std::string>{"0"});
  auto m = ParseAs<InvocationMessage>("invocation_headers");
  EXPECT_EQ(m.headers, (Headers{{"a", "1"}}));
  EXPECT_FALSE(m.invocation_id.has_value());
}

TEST(MessagePackHubProtocolTest, ParsesStreamItemCompletionAndCancel) {
  auto item = ParseAs<StreamItemMessage>("stream_item");
  EXPECT_EQ(item.invocation_id, "0");
  EXPECT_EQ(item.item, Value("chunk"));

  auto result = ParseAs<CompletionMessage>("completion_result");
  EXPECT_EQ(result.invocation_id, "1");
  EXPECT_EQ(result.result, Value(42));
  EXPECT_FALSE(result.error.has_value());

  auto error = ParseAs<CompletionMessage>("completion_error");
  EXPECT_EQ(error.error, "boom");
  EXPECT_FALSE(error.result.has_value());

  auto void_completion = ParseAs<CompletionMessage>("completion_void");
  EXPECT_FALSE(void_completion.error.has_value());
  EXPECT_FALSE(void_completion.result.has_value());

  EXPECT_EQ(ParseAs<CancelInvocationMessage>("cancel_invocation").invocation_id, "2");
}

TEST(MessagePackHubProtocolTest, ParsesStreamInvocationWithFiveOrSixElements) {
  auto six = ParseAs<StreamInvocationMessage>("stream_invocation");
  EXPECT_EQ(six.invocation_id, "2");
  EXPECT_EQ(six.target, "Counter");
  EXPECT_EQ(six.arguments, (std::vector<Value>{Value(10), Value(500)}));
  auto five = ParseAs<StreamInvocationMessage>("stream_invocation_no_ids");
  EXPECT_EQ(five.arguments, std::vector<Value>{Value(10)});
  EXPECT_TRUE(five.stream_ids.empty());
}

TEST(MessagePackHubProtocolTest, ParsesPingCloseAckSequence) {
  ParseAs<PingMessage>("ping");
  auto close = ParseAs<CloseMessage>("close");
  EXPECT_FALSE(close.error.has_value());
  EXPECT_FALSE(close.allow_reconnect);
  EXPECT_EQ(ParseAs<AckMessage>("ack").sequence_id, 1394);
  EXPECT_EQ(ParseAs<SequenceMessage>("sequence").sequence_id, 7);
}

TEST(MessagePackHubProtocolTest, ParsesDotNetForms) {
  // .NET writes Close with 3 elements and may send headers.
  absl::StatusOr<HubMessage> close = MessagePackHubProtocol::Parse(FromHex("93 07 a3626164 c3"));
  ASSERT_TRUE(close.ok()) << close.status();
  EXPECT_EQ(std::get<CloseMessage>(*close).error, "bad");
  EXPECT_TRUE(std::get<CloseMessage>(*close).allow_reconnect);
  // An empty error string is still an error (.NET).
  close = MessagePackHubProtocol::Parse(FromHex("93 07 a0 c2"));
  ASSERT_TRUE(close.ok());
  EXPECT_EQ(std::get<CloseMessage>(*close).error, "");
  // Completion with a nil result is still a result.
  absl::StatusOr<HubMessage> completion =
      MessagePackHubProtocol::Parse(FromHex("95 03 80 a131 03 c0"));
  ASSERT_TRUE(completion.ok());
  EXPECT_EQ(std::get<CompletionMessage>(*completion).result, Value());
}

TEST(MessagePackHubProtocolTest, LenientWhereTheJsClientIs) {
  // Extra trailing elements are ignored (forward compatibility).
  absl::StatusOr<HubMessage> m =
      MessagePackHubProtocol::Parse(FromHex("97 01 80 c0 a154 90 90 a178"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(std::get<InvocationMessage>(*m).target, "T");
  // nil headers, an empty invocation id, nil stream ids.
  m = MessagePackHubProtocol::Parse(FromHex("96 01 c0 a0 a154 9101 c0"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_FALSE(std::get<InvocationMessage>(*m).invocation_id.has_value());
  EXPECT_EQ(std::get<InvocationMessage>(*m).arguments, std::vector<Value>{Value(1)});
  // Ack/Sequence and messageType in any integer width.
  m = MessagePackHubProtocol::Parse(FromHex("92 d008 cf00000000ffffffff"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(std::get<AckMessage>(*m).sequence_id, 0xffffffff);
}

TEST(MessagePackHubProtocolTest, UnknownMessageTypeIsNotFound) {
  absl::StatusOr<HubMessage> m = MessagePackHubProtocol::Parse(FromHex("93 0a 80 01"));
  EXPECT_TRUE(absl::IsNotFound(m.status())) << m.status();
  EXPECT_EQ(m.status().message(), "Unknown hub message type 10.");
  EXPECT_TRUE(absl::IsNotFound(MessagePackHubProtocol::Parse(FromHex("91 00")).status()));
  EXPECT_TRUE(absl::IsNotFound(MessagePackHubProtocol::Parse(FromHex("91 ff")).status()));
}

TEST(MessagePackHubProtocolTest, MalformedMessagesGiveDotNetStyleErrors) {
  EXPECT_EQ(ParseError("90").message(), "Invalid payload: the message array is empty.");
  EXPECT_EQ(ParseError("01").message(), "A hub message must be a MessagePack array.");
  EXPECT_EQ(ParseError("91 a131").message(), "Reading 'messageType' as Int32 failed.");
  EXPECT_EQ(ParseError("91 ce80000000").message(), "Reading 'messageType' as Int32 failed.");
  EXPECT_EQ(ParseError("94 01 80 c0 a154").message(),
            "Invalid payload for Invocation message: expected at least 5 elements, got 4.");
  EXPECT_EQ(ParseError("95 01 90 c0 a154 90").message(),
            "Reading map length for 'headers' failed.");
  EXPECT_EQ(ParseError("95 01 81 a161 01 c0 a154 90").message(),
            "Reading 'headers[0].Value' as String failed.");
  EXPECT_EQ(ParseError("95 01 81 a0 a131 c0 a154 90").message(), "Null or empty key in header.");
  EXPECT_EQ(ParseError("95 01 81 a161 a0 c0 a154 90").message(), "Null or empty value in header.");
  EXPECT_EQ(ParseError("95 01 80 01 a154 90").message(),
            "Reading 'invocationId' as String failed.");
  EXPECT_EQ(ParseError("95 01 80 c0 01 90").message(), "Reading 'target' as String failed.");
  EXPECT_EQ(ParseError("95 01 80 c0 a0 90").message(),
            "Null or empty target for Invocation message.");
  EXPECT_EQ(ParseError("95 01 80 c0 a154 c0").message(),
            "Reading array length for 'arguments' failed.");
  EXPECT_EQ(ParseError("96 01 80 c0 a154 90 80").message(),
            "Reading array length for 'streamIds' failed.");
  EXPECT_EQ(ParseError("96 01 80 c0 a154 90 91 01").message(),
            "Reading 'streamIds[0]' as String failed.");
  EXPECT_EQ(ParseError("96 01 80 c0 a154 90 91 a0").message(),
            "Null or empty value in streamIds received.");
  EXPECT_EQ(ParseError("95 04 80 c0 a154 90").message(),
            "Null or empty invocation ID for StreamInvocation message.");
  EXPECT_EQ(ParseError("95 04 80 a131 c0 90").message(),
            "Null or empty target for StreamInvocation message.");
  EXPECT_EQ(ParseError("93 02 80 a131").message(),
            "Invalid payload for StreamItem message: expected at least 4 elements, got 3.");
  EXPECT_EQ(ParseError("94 02 80 a0 01").message(),
            "Null or empty invocation ID for StreamItem message.");
  EXPECT_EQ(ParseError("94 03 80 c0 02").message(),
            "Null or empty invocation ID for Completion message.");
  EXPECT_EQ(ParseError("94 03 80 a131 04").message(), "Invalid invocation result kind.");
  EXPECT_EQ(ParseError("94 03 80 a131 a0").message(), "Reading 'resultKind' as Int32 failed.");
  EXPECT_EQ(ParseError("94 03 80 a131 03").message(),
            "Invalid payload for Completion message: expected at least 5 elements, got 4.");
  EXPECT_EQ(ParseError("95 03 80 a131 01 01").message(), "Reading 'error' as String failed.");
  EXPECT_EQ(ParseError("93 05 80 c0").message(),
            "Null or empty invocation ID for CancelInvocation message.");
  EXPECT_EQ(ParseError("91 07").message(),
            "Invalid payload for Close message: expected at least 2 elements, got 1.");
  EXPECT_EQ(ParseError("92 07 01").message(), "Reading 'error' as String failed.");
  EXPECT_EQ(ParseError("93 07 c0 01").message(), "Reading 'allowReconnect' as Boolean failed.");
  EXPECT_EQ(ParseError("91 08").message(),
            "Invalid payload for Ack message: expected at least 2 elements, got 1.");
  EXPECT_EQ(ParseError("92 09 a131").message(), "Reading 'sequenceId' as Int64 failed.");
  EXPECT_EQ(ParseError("92 09 cfffffffffffffffff").message(),
            "Reading 'sequenceId' as Int64 failed.");
  EXPECT_EQ(ParseError("95 01 80 c0 a154 91 81 01 01").message(),
            "MessagePack map keys must be strings.");
}

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

// ---- Writing what the JS client reads ----

TEST(MessagePackHubProtocolTest, WritesTheSameBytesAsTheJsClient) {
  InvocationMessage hello;
  hello.target = "ReceiveMessage";
  hello.arguments = {Value("hello")};
  EXPECT_EQ(WriteHex(hello), JsVectorHex("invocation_hello"));

  InvocationMessage all;
  all.invocation_id = "1";
  all.target = "Send";
  all.arguments = AllTypesArguments();
  EXPECT_EQ(WriteHex(all), JsVectorHex("invocation_all_types"));

  InvocationMessage upload;
  upload.invocation_id = "1";
  upload.target = "Upload";
  upload.stream_ids = {"0"};
  EXPECT_EQ(WriteHex(upload), JsVectorHex("invocation_with_stream_ids"));

  InvocationMessage with_headers;
  with_headers.headers = {{"a", "1"}};
  with_headers.target = "T";
  EXPECT_EQ(WriteHex(with_headers), JsVectorHex("invocation_headers"));

  EXPECT_EQ(WriteHex(StreamItemMessage{{}, "0", Value("chunk")}), JsVectorHex("stream_item"));
  EXPECT_EQ(WriteHex(CompletionMessage{{}, "1", std::nullopt, Value(42)}),
            JsVectorHex("completion_result"));
  EXPECT_EQ(WriteHex(CompletionMessage{{}, "1", "boom", std::nullopt}),
            JsVectorHex("completion_error"));
  EXPECT_EQ(WriteHex(CompletionMessage{{}, "1", std::nullopt, std::nullopt}),
            JsVectorHex("completion_void"));
  EXPECT_EQ(WriteHex(StreamInvocationMessage{{}, "2", "Counter", {Value(10), Value(500)}, {}}),
            JsVectorHex("stream_invocation"));
  EXPECT_EQ(WriteHex(CancelInvocationMessage{{}, "2"}), JsVectorHex("cancel_invocation"));
  EXPECT_EQ(WriteHex(PingMessage{}), JsVectorHex("ping"));
  EXPECT_EQ(WriteHex(AckMessage{1394}), JsVectorHex("ack"));
  EXPECT_EQ(WriteHex(SequenceMessage{7}), JsVectorHex("sequence"));
}

// Where .NET and the JS client differ, the gateway writes what .NET writes. Each of these was
// checked with the JS client's parseMessages() (results in the comments).
TEST(MessagePackHubProtocolTest, WritesDotNetFormsTheJsClientReads) {
  // Invocation without stream ids still has 6 elements, the last an empty array.
  // -> {type:1, target:"Echo", arguments:["hi"], invocationId:"0", streamIds:[], headers:{}}
  InvocationMessage echo;
  echo.invocation_id = "0";
  echo.target = "Echo";
  echo.arguments = {Value("hi")};
  EXPECT_EQ(WriteHex(echo), "0f960180a130a44563686f91a2686990");
  // An empty invocation id is written as nil, like an absent one.
  echo.invocation_id = "";
  EXPECT_EQ(WriteHex(echo), "0e960180c0a44563686f91a2686990");
  // Close has 3 elements. -> {type:7, error:undefined... allowReconnect:false}
  EXPECT_EQ(WriteHex(CloseMessage{}), "049307c0c2");
  // -> {type:7, error:"Connection closed with an error.", allowReconnect:true}
  EXPECT_EQ(WriteHex(CloseMessage{std::string(kConnectionClosedWithError), true}),
            "259307d920436f6e6e656374696f6e20636c6f7365642077697468"
            "20616e206572726f722ec3");
  // .NET writes nil for an empty error.
  EXPECT_EQ(WriteHex(CloseMessage{"", false}), "049307c0c2");
  // A nil result is still a result (kind 3). -> {type:3, invocationId:"1", result:null}
  EXPECT_EQ(WriteHex(CompletionMessage{{}, "1", std::nullopt, Value()}), "07950380a13103c0");
  // Headers are written in their order. -> headers {b:"2", a:"1"}
  EXPECT_EQ(WriteHex(StreamItemMessage{{{"b", "2"}, {"a", "1"}}, "0", Value(1.25)}),
            "16940282a162a132a161a131a130cb3ff4000000000000");
  // 64-bit integers the JS client reads (as lossy numbers; it does not fail).
  // -> arguments [18446744073709552000, -9223372036854776000, 9007199254740992]
  InvocationMessage big;
  big.target = "Big";
  big.arguments = {Value(std::numeric_limits<uint64_t>::max()),
                   Value(std::numeric_limits<int64_t>::min()), Value((int64_t{1} << 53) + 1)};
  EXPECT_EQ(
      WriteHex(big),
      ToHex(FromHex(
          "25960180c0a3426967 93 cfffffffffffffffff d38000000000000000 cf0020000000000001 90")));
}

TEST(MessagePackHubProtocolTest, WrittenMessagesParseBack) {
  std::vector<HubMessage> messages = {
      InvocationMessage{{{"h", "v"}}, "7", "Target", AllTypesArguments(), {"s1", "s2"}},
      InvocationMessage{{}, std::nullopt, "Fire", {}, {}},
      StreamItemMessage{{}, "3", Value(ValueMap{{"k", Value(ValueArray{Value(1.5)})}})},
      CompletionMessage{{}, "4", "failed", std::nullopt},
      CompletionMessage{{}, "4", std::nullopt, Value(ValueArray{Value(), Value(true)})},
      CompletionMessage{{}, "4", std::nullopt, std::nullopt},
      StreamInvocationMessage{{}, "5", "Stream", {Value(1)}, {"9"}},
      CancelInvocationMessage{{}, "5"},
      PingMessage{},
      CloseMessage{"bye", true},
      CloseMessage{std::nullopt, false},
      AckMessage{std::numeric_limits<int64_t>::max()},
      SequenceMessage{0},
  };
  for (const HubMessage& message : messages) {
    std::string frame;
    MessagePackHubProtocol::Write(message, &frame);
    BinaryMessageReader reader(1 << 20);
    std::vector<HubMessage> parsed;
    ASSERT_TRUE(reader
                    .Feed(frame,
                          [&](std::string_view payload) {
                            absl::StatusOr<HubMessage> m = MessagePackHubProtocol::Parse(payload);
                            if (!m.ok()) {
                              return m.status();
                            }
                            parsed.push_back(*std::move(m));
                            return absl::OkStatus();
                          })
                    .ok())
        << ToHex(frame);
    ASSERT_EQ(parsed.size(), 1u);
    EXPECT_EQ(TypeOf(parsed[0]), TypeOf(message));
    EXPECT_EQ(WriteHex(parsed[0]), ToHex(frame));  // same bytes again: nothing was lost
  }
}

TEST(MessagePackHubProtocolTest, WriteAppendsAndUsesMultiBytePrefixes) {
  std::string out = "xx";
  InvocationMessage m;
  m.target = "T";
  m.arguments = {Value(std::string(200, 'a'))};
  MessagePackHubProtocol::Write(m, &out);
  // Payload: 96 01 80 c0 a154 91 d9c8 <200 bytes> 90 = 210 bytes -> prefix d2 01.
  EXPECT_EQ(out.substr(0, 2), "xx");
  EXPECT_EQ(ToHex(out.substr(2, 4)), "d2019601");
  EXPECT_EQ(out.size(), 2u + 2u + 210u);
}

TEST(MessagePackHubProtocolTest, EncodeFrameUsesTheMessagePackCodec) {
  EXPECT_EQ(*EncodeFrame(PingMessage{}, HubProtocol::kMessagePack), FromHex("029106"));
  SerializedMessage message(CompletionMessage{{}, "1", std::nullopt, Value(42)});
  EXPECT_EQ(ToHex(*message.FrameFor(HubProtocol::kMessagePack)), JsVectorHex("completion_result"));
  EXPECT_EQ(*message.FrameFor(HubProtocol::kJson),
            std::string(R"({"type":3,"invocationId":"1","result":42})") + "\x1e");
}

}  // namespace
}  // namespace hubgate::hubcore
