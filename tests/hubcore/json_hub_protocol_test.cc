#include "hubcore/json_hub_protocol.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "gtest/gtest.h"
#include "hubcore/hub_errors.h"

namespace hubgate::hubcore {
namespace {

std::string Write(const HubMessage& message) {
  std::string out;
  JsonHubProtocol::Write(message, &out);
  return out;
}

// The written JSON without its terminator (checks that there is exactly one, at the end).
std::string WriteJson(const HubMessage& message) {
  std::string out = Write(message);
  EXPECT_FALSE(out.empty());
  EXPECT_EQ(out.find(kRecordSeparator), out.size() - 1) << out;
  out.pop_back();
  return out;
}

template <typename T>
T ParseAs(std::string_view payload) {
  absl::StatusOr<HubMessage> message = JsonHubProtocol::Parse(payload);
  EXPECT_TRUE(message.ok()) << payload << ": " << message.status();
  if (!message.ok() || !std::holds_alternative<T>(*message)) {
    ADD_FAILURE() << "unexpected message type for " << payload;
    return T{};
  }
  return std::get<T>(*std::move(message));
}

TEST(JsonHubProtocolTest, ParsesTheBytesTheJsClientWrites) {
  auto m = ParseAs<InvocationMessage>(
      R"({"target":"Echo","arguments":["hi"],"invocationId":"0","type":1})");
  EXPECT_EQ(m.invocation_id, "0");
  EXPECT_EQ(m.target, "Echo");
  EXPECT_EQ(m.arguments, std::vector<Value>{Value("hi")});
  EXPECT_TRUE(m.stream_ids.empty());
  EXPECT_TRUE(m.headers.empty());
}

TEST(JsonHubProtocolTest, InvocationWithoutIdIsFireAndForget) {
  EXPECT_FALSE(ParseAs<InvocationMessage>(R"({"type":1,"target":"Send","arguments":[]})")
                   .invocation_id.has_value());
  EXPECT_FALSE(
      ParseAs<InvocationMessage>(R"({"type":1,"invocationId":"","target":"S","arguments":[]})")
          .invocation_id.has_value());
}

TEST(JsonHubProtocolTest, PropertyOrderDoesNotMatterAndUnknownPropertiesAreSkipped) {
  auto m = ParseAs<InvocationMessage>(
      R"({"extra":{"deep":[1,{"x":null}]},"arguments":[1,{"k":"v"}],"streamIds":["s1","s2"],)"
      R"("headers":{"a":"1","b":"2"},"type":1,"future":true,"target":"T","invocationId":"9"})");
  EXPECT_EQ(m.invocation_id, "9");
  EXPECT_EQ(m.target, "T");
  EXPECT_EQ(m.arguments, (std::vector<Value>{Value(1), Value(ValueMap{{"k", Value("v")}})}));
  EXPECT_EQ(m.stream_ids, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(m.headers, (Headers{{"a", "1"}, {"b", "2"}}));
}

TEST(JsonHubProtocolTest, WritesInvocationWithTypeFirst) {
  InvocationMessage m;
  m.invocation_id = "7";
  m.target = "Echo";
  m.arguments = {Value("hi"), Value(1)};
  EXPECT_EQ(Write(m),
            std::string(R"({"type":1,"invocationId":"7","target":"Echo","arguments":["hi",1]})") +
                "\x1e");
}

TEST(JsonHubProtocolTest, WritesFireAndForgetInvocationWithoutIdAndWithEmptyArguments) {
  InvocationMessage m;
  m.target = "Notify";
  EXPECT_EQ(WriteJson(m), R"({"type":1,"target":"Notify","arguments":[]})");
}

TEST(JsonHubProtocolTest, WritesHeadersAndStreamIdsOnlyWhenPresent) {
  InvocationMessage m;
  m.headers = {{"trace", "abc"}};
  m.invocation_id = "1";
  m.target = "T";
  m.stream_ids = {"s1"};
  EXPECT_EQ(WriteJson(m), R"({"type":1,"headers":{"trace":"abc"},"invocationId":"1","target":"T",)"
                          R"("arguments":[],"streamIds":["s1"]})");
}

TEST(JsonHubProtocolTest, StreamItem) {
  EXPECT_EQ(WriteJson(StreamItemMessage{{}, "3", Value()}),
            R"({"type":2,"invocationId":"3","item":null})");
  EXPECT_EQ(WriteJson(StreamItemMessage{{}, "3", Value(ValueArray{Value(1.5)})}),
            R"({"type":2,"invocationId":"3","item":[1.5E0]})");
  auto m = ParseAs<StreamItemMessage>(R"({"item":null,"invocationId":"3","type":2})");
  EXPECT_EQ(m.invocation_id, "3");
  EXPECT_TRUE(m.item.IsNull());
  EXPECT_EQ(ParseAs<StreamItemMessage>(R"({"type":2,"invocationId":"3","item":{"a":1}})").item,
            Value(ValueMap{{"a", Value(1)}}));
}

TEST(JsonHubProtocolTest, CompletionWritesResultErrorOrNeither) {
  EXPECT_EQ(WriteJson(CompletionMessage{{}, "1", std::nullopt, Value(42)}),
            R"({"type":3,"invocationId":"1","result":42})");
  EXPECT_EQ(WriteJson(CompletionMessage{{}, "1", std::nullopt, Value()}),
            R"({"type":3,"invocationId":"1","result":null})");
  EXPECT_EQ(WriteJson(CompletionMessage{{}, "1", "Unknown hub method 'X'", std::nullopt}),
            R"({"type":3,"invocationId":"1","error":"Unknown hub method 'X'"})");
  EXPECT_EQ(WriteJson(CompletionMessage{{}, "1", std::nullopt, std::nullopt}),
            R"({"type":3,"invocationId":"1"})");
}

TEST(JsonHubProtocolTest, CompletionParsesNullResultAsPresent) {
  auto with_null = ParseAs<CompletionMessage>(R"({"type":3,"invocationId":"1","result":null})");
  ASSERT_TRUE(with_null.result.has_value());
  EXPECT_TRUE(with_null.result->IsNull());
  EXPECT_FALSE(with_null.error.has_value());

  auto with_void = ParseAs<CompletionMessage>(R"({"invocationId":"1","type":3})");
  EXPECT_FALSE(with_void.result.has_value());
  EXPECT_FALSE(with_void.error.has_value());

  auto with_error = ParseAs<CompletionMessage>(R"({"type":3,"error":"bad","invocationId":"1"})");
  EXPECT_EQ(with_error.error, "bad");
  EXPECT_FALSE(with_error.result.has_value());
}

TEST(JsonHubProtocolTest, StreamInvocationCancelPing) {
  StreamInvocationMessage stream{{}, "4", "Counter", {Value(10), Value(500)}, {}};
  EXPECT_EQ(WriteJson(stream),
            R"({"type":4,"invocationId":"4","target":"Counter","arguments":[10,500]})");
  auto parsed = ParseAs<StreamInvocationMessage>(
      R"({"arguments":[10,500],"target":"Counter","invocationId":"4","type":4})");
  EXPECT_EQ(parsed.invocation_id, "4");
  EXPECT_EQ(parsed.target, "Counter");
  EXPECT_EQ(parsed.arguments, (std::vector<Value>{Value(10), Value(500)}));

  EXPECT_EQ(WriteJson(CancelInvocationMessage{{}, "9"}), R"({"type":5,"invocationId":"9"})");
  EXPECT_EQ(ParseAs<CancelInvocationMessage>(R"({"invocationId":"9","type":5})").invocation_id,
            "9");

  EXPECT_EQ(Write(PingMessage{}), std::string("{\"type\":6}\x1e"));
  ParseAs<PingMessage>(R"({"type":6})");
}

TEST(JsonHubProtocolTest, Close) {
  EXPECT_EQ(WriteJson(CloseMessage{}), R"({"type":7})");
  EXPECT_EQ(WriteJson(CloseMessage{"Connection closed with an error.", false}),
            R"({"type":7,"error":"Connection closed with an error."})");
  EXPECT_EQ(WriteJson(CloseMessage{"x", true}), R"({"type":7,"error":"x","allowReconnect":true})");
  EXPECT_EQ(WriteJson(CloseMessage{std::nullopt, true}), R"({"type":7,"allowReconnect":true})");

  auto m = ParseAs<CloseMessage>(R"({"allowReconnect":true,"error":"bye","type":7})");
  EXPECT_EQ(m.error, "bye");
  EXPECT_TRUE(m.allow_reconnect);
  auto plain = ParseAs<CloseMessage>(R"({"type":7})");
  EXPECT_FALSE(plain.error.has_value());
  EXPECT_FALSE(plain.allow_reconnect);
}

TEST(JsonHubProtocolTest, AckAndSequenceKeep64BitIds) {
  EXPECT_EQ(WriteJson(AckMessage{5}), R"({"type":8,"sequenceId":5})");
  EXPECT_EQ(WriteJson(SequenceMessage{9007199254740993}),
            R"({"type":9,"sequenceId":9007199254740993})");
  EXPECT_EQ(ParseAs<AckMessage>(R"({"sequenceId":9223372036854775807,"type":8})").sequence_id,
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ParseAs<SequenceMessage>(R"({"type":9,"sequenceId":1})").sequence_id, 1);
}

TEST(JsonHubProtocolTest, ArgumentsKeep64BitIntegersBinaryAndTimestamps) {
  InvocationMessage m;
  m.target = "T";
  m.arguments = {Value(std::numeric_limits<int64_t>::min()),
                 Value(std::numeric_limits<uint64_t>::max()), Value(Binary{"hi"}),
                 Value(Timestamp{1704164645, 500000000})};
  const std::string json = WriteJson(m);
  EXPECT_EQ(json, R"({"type":1,"target":"T","arguments":[-9223372036854775808,)"
                  R"(18446744073709551615,"aGk=","2024-01-02T03:04:05.5Z"]})");
  auto parsed = ParseAs<InvocationMessage>(json);
  ASSERT_EQ(parsed.arguments.size(), 4u);
  EXPECT_EQ(parsed.arguments[0], Value(std::numeric_limits<int64_t>::min()));
  EXPECT_EQ(parsed.arguments[1], Value(std::numeric_limits<uint64_t>::max()));
  EXPECT_EQ(parsed.arguments[2], Value("aGk="));
}

TEST(JsonHubProtocolTest, EscapesStringsIncludingTheRecordSeparator) {
  InvocationMessage m;
  m.target = "Say";
  m.arguments = {Value(std::string("quote\" back\\ nl\n rs\x1e ctl\x01 \xc3\xa9"))};
  const std::string json = WriteJson(m);  // checks there is a single 0x1E, at the end
  EXPECT_NE(json.find(R"(\u001e)"), std::string::npos) << json;
  EXPECT_EQ(ParseAs<InvocationMessage>(json).arguments, m.arguments);
}

TEST(JsonHubProtocolTest, AppendsToExistingOutputAndHandlesLargeMessages) {
  std::string out = "prefix";
  InvocationMessage m;
  m.target = "Big";
  m.arguments = {Value(std::string(100000, 'x'))};
  JsonHubProtocol::Write(m, &out);
  ASSERT_TRUE(out.starts_with("prefix{\"type\":1,"));
  ASSERT_EQ(out.back(), kRecordSeparator);
  std::string_view json(out);
  json.remove_prefix(6);
  json.remove_suffix(1);
  EXPECT_EQ(ParseAs<InvocationMessage>(json).arguments, m.arguments);
}

TEST(JsonHubProtocolTest, EveryMessageTypeRoundTrips) {
  const std::vector<HubMessage> messages = {
      InvocationMessage{
          {{"h", "v"}}, "1", "Send", {Value("a"), Value(ValueMap{{"k", Value(2)}})}, {"s1", "s2"}},
      InvocationMessage{{}, std::nullopt, "Notify", {}, {}},
      StreamItemMessage{{{"h", "v"}}, "2", Value(ValueArray{Value(true)})},
      CompletionMessage{{}, "3", std::nullopt, Value(-1)},
      CompletionMessage{{}, "3", std::nullopt, Value()},
      CompletionMessage{{}, "3", "failed", std::nullopt},
      CompletionMessage{{}, "3", std::nullopt, std::nullopt},
      StreamInvocationMessage{{}, "4", "Counter", {Value(uint64_t{1} << 63)}, {"up"}},
      CancelInvocationMessage{{{"a", "b"}}, "5"},
      PingMessage{},
      CloseMessage{"oops", true},
      CloseMessage{},
      AckMessage{-3},
      SequenceMessage{std::numeric_limits<int64_t>::max()},
  };
  for (const HubMessage& message : messages) {
    const std::string json = WriteJson(message);
    absl::StatusOr<HubMessage> parsed = JsonHubProtocol::Parse(json);
    ASSERT_TRUE(parsed.ok()) << json << ": " << parsed.status();
    EXPECT_EQ(parsed->index(), message.index()) << json;
    EXPECT_EQ(WriteJson(*parsed), json);
  }
}

TEST(JsonHubProtocolTest, UnknownTypeIsNotFoundAndNotAProtocolError) {
  for (std::string_view payload :
       {R"({"type":10})", R"({"type":0,"x":1})", R"({"type":-1})", R"({"target":"x","type":99})"}) {
    absl::StatusOr<HubMessage> message = JsonHubProtocol::Parse(payload);
    ASSERT_FALSE(message.ok()) << payload;
    EXPECT_TRUE(absl::IsNotFound(message.status())) << payload << ": " << message.status();
    EXPECT_FALSE(IsHubProtocolError(message.status())) << payload;
  }
}

struct ErrorCase {
  std::string_view payload;
  std::string_view error;
};

TEST(JsonHubProtocolTest, ErrorTexts) {
  const ErrorCase cases[] = {
      {R"({})", "Missing required property 'type'."},
      {R"({"target":"A","arguments":[]})", "Missing required property 'type'."},
      {R"({"type":null})", "Missing required property 'type'."},
      {R"({"type":"1"})", "Expected 'type' to be of type Number."},
      {R"({"type":1.5})", "Expected 'type' to be of type Number."},
      {R"({"type":true})", "Expected 'type' to be of type Number."},
      {R"({"type":4294967297})", "Expected 'type' to be of type Number."},
      {R"({"type":1,"arguments":[]})", "Missing required property 'target'."},
      {R"({"type":1,"target":"","arguments":[]})", "Missing required property 'target'."},
      {R"({"type":1,"target":5,"arguments":[]})", "Expected 'target' to be of type String."},
      {R"({"type":1,"target":"A"})", "Missing required property 'arguments'."},
      {R"({"type":1,"target":"A","arguments":{}})", "Expected 'arguments' to be of type Array."},
      {R"({"type":1,"target":"A","arguments":null})", "Expected 'arguments' to be of type Array."},
      {R"({"type":1,"target":"A","arguments":[],"invocationId":1})",
       "Expected 'invocationId' to be of type String."},
      {R"({"type":1,"target":"A","arguments":[],"invocationId":null})",
       "Expected 'invocationId' to be of type String."},
      {R"({"type":1,"target":"A","arguments":[],"streamIds":"s"})",
       "Expected 'streamIds' to be of type Array."},
      {R"({"type":1,"target":"A","arguments":[],"streamIds":[1]})",
       "Expected 'streamIds' to contain only values of type String."},
      {R"({"type":1,"target":"A","arguments":[],"headers":[]})",
       "Expected 'headers' to be of type StartObject."},
      {R"({"type":1,"target":"A","arguments":[],"headers":{"k":1}})",
       "Expected header 'k' to be of type String."},
      {R"({"type":2,"item":1})", "Missing required property 'invocationId'."},
      {R"({"type":2,"invocationId":"","item":1})", "Missing required property 'invocationId'."},
      {R"({"type":2,"invocationId":"1"})", "Missing required property 'item'."},
      {R"({"type":3})", "Missing required property 'invocationId'."},
      {R"({"type":3,"invocationId":"1","error":"e","result":1})",
       "The 'error' and 'result' properties are mutually exclusive."},
      {R"({"type":3,"invocationId":"1","result":null,"error":"e"})",
       "The 'error' and 'result' properties are mutually exclusive."},
      {R"({"type":3,"invocationId":"1","error":null})", "Expected 'error' to be of type String."},
      {R"({"type":4,"target":"A","arguments":[]})", "Missing required property 'invocationId'."},
      {R"({"type":4,"invocationId":"1","target":"A"})", "Missing required property 'arguments'."},
      {R"({"type":4,"invocationId":"1","arguments":[]})", "Missing required property 'target'."},
      {R"({"type":5})", "Missing required property 'invocationId'."},
      {R"({"type":7,"allowReconnect":"yes"})", "Expected 'allowReconnect' to be true or false."},
      {R"({"type":7,"error":3})", "Expected 'error' to be of type String."},
      {R"({"type":8})", "Missing required property 'sequenceId'."},
      {R"({"type":8,"sequenceId":null})", "Missing required property 'sequenceId'."},
      {R"({"type":9,"sequenceId":"1"})", "Expected 'sequenceId' to be of type Number."},
      {R"({"type":9,"sequenceId":1.5})", "Expected 'sequenceId' to be of type Number."},
      {R"([1])", "Unexpected JSON Token Type 'Array'. Expected a JSON Object."},
      {R"("x")", "Unexpected JSON Token Type 'String'. Expected a JSON Object."},
      {R"(42)", "Unexpected JSON Token Type 'Number'. Expected a JSON Object."},
      {R"(null)", "Unexpected JSON Token Type 'Null'. Expected a JSON Object."},
      {R"(true)", "Unexpected JSON Token Type 'True'. Expected a JSON Object."},
      {R"({"type":1,)", "Error reading JSON."},
      {R"({"type":6}{"type":6})", "Error reading JSON."},
      {"", "Error reading JSON."},
  };
  for (const ErrorCase& c : cases) {
    absl::StatusOr<HubMessage> message = JsonHubProtocol::Parse(c.payload);
    ASSERT_FALSE(message.ok()) << c.payload;
    EXPECT_TRUE(IsHubProtocolError(message.status())) << c.payload << ": " << message.status();
    EXPECT_EQ(std::string(message.status().message()), c.error) << c.payload;
  }
}

}  // namespace
}  // namespace hubgate::hubcore
