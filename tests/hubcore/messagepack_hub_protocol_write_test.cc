#include "hubcore/messagepack_hub_protocol.h"

// Writing what the JS client reads: the same bytes as the JS client where it can, .NET's forms
// where they differ, round trips, and length prefixes.

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "hubcore/binary_message_reader.h"
#include "hubcore/hub_errors.h"
#include "hubcore/serialized_message.h"
#include "messagepack_hub_protocol_test_helpers.h"

namespace hubgate::hubcore {
namespace {

using testing::AllTypesArguments;
using testing::FromHex;
using testing::JsVectorHex;
using testing::ToHex;
using testing::WriteHex;

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
