#include "hubcore/messagepack_hub_protocol.h"

// Parsing what the JS client (and .NET) write: every message type and value type, and the errors
// for malformed messages.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "gtest/gtest.h"
#include "hubcore/hub_errors.h"
#include "messagepack_hub_protocol_test_helpers.h"

namespace hubgate::hubcore {
namespace {

using testing::AllTypesArguments;
using testing::FromHex;
using testing::ParseAs;
using testing::ParseError;

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

}  // namespace
}  // namespace hubgate::hubcore
