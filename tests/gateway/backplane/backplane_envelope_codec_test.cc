#include "gateway/backplane/backplane_envelope_codec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "hubgate/backplane/v1/backplane.pb.h"

namespace hubgate::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
namespace v1 = ::hubgate::backplane::v1;

BackplanePush SamplePush() {
  BackplanePush push;
  push.message_id = std::string("\x01\x02\x00\xff", 4);
  push.origin_replica = "replica-a";
  push.hub = "chat";
  push.audience = hubcore::Audience::Groups({"room:1", "room 2"}, {"c1"});
  push.method = "newMessage";
  push.json_frame = hubcore::MakeFrame("{\"type\":1,\"target\":\"newMessage\"}\x1e");
  push.messagepack_frame = hubcore::MakeFrame(std::string("\x03\x95\x01\x80\xc0", 5));
  return push;
}

ConnectionRequest SampleInvoke() {
  ConnectionRequest request;
  request.request_id = 42;
  request.reply_replica = "replica-b";
  request.hub = "chat";
  request.connection_id = "AAECAwQFBgcICQoLDA0ODw";
  request.action = ConnectionRequest::Action::kInvokeClient;
  request.method = "getAnswer";
  request.arguments = {hubcore::Value(int64_t{-7}), hubcore::Value("text"),
                       hubcore::Value(hubcore::ValueArray{hubcore::Value(true), nullptr})};
  request.timeout = std::chrono::milliseconds(1500);
  return request;
}

BackplaneEnvelope RoundTrip(const BackplaneEnvelope& envelope) {
  BackplaneEnvelopeCodec codec;
  auto bytes = codec.Encode(envelope);
  EXPECT_TRUE(bytes.ok()) << bytes.status();
  auto decoded = codec.Decode(bytes.value_or(""));
  EXPECT_TRUE(decoded.ok()) << decoded.status();
  return decoded.value_or(BackplaneEnvelope{});
}

TEST(BackplaneEnvelopeCodecTest, APushKeepsItsAudienceAndBothFrames) {
  BackplaneEnvelope decoded = RoundTrip(SamplePush());
  ASSERT_TRUE(std::holds_alternative<BackplanePush>(decoded));
  const auto& push = std::get<BackplanePush>(decoded);
  BackplanePush sample = SamplePush();
  EXPECT_EQ(push.message_id, sample.message_id);
  EXPECT_EQ(push.origin_replica, "replica-a");
  EXPECT_EQ(push.hub, "chat");
  EXPECT_EQ(push.method, "newMessage");
  EXPECT_EQ(push.audience.kind, hubcore::Audience::Kind::kGroups);
  EXPECT_THAT(push.audience.names, ElementsAre("room:1", "room 2"));
  EXPECT_THAT(push.audience.excluded_connection_ids, ElementsAre("c1"));
  ASSERT_NE(push.json_frame, nullptr);
  ASSERT_NE(push.messagepack_frame, nullptr);
  EXPECT_EQ(*push.json_frame, *sample.json_frame);
  EXPECT_EQ(*push.messagepack_frame, *sample.messagepack_frame);
}

TEST(BackplaneEnvelopeCodecTest, EveryAudienceKindSurvives) {
  for (const hubcore::Audience& audience :
       {hubcore::Audience::All({"x"}), hubcore::Audience::Connections({"a", "b"}),
        hubcore::Audience::Users({"alice"}), hubcore::Audience::Groups({"g"})}) {
    BackplanePush push = SamplePush();
    push.audience = audience;
    const auto decoded = std::get<BackplanePush>(RoundTrip(push));
    EXPECT_EQ(decoded.audience.kind, audience.kind);
    EXPECT_EQ(decoded.audience.names, audience.names);
    EXPECT_EQ(decoded.audience.excluded_connection_ids, audience.excluded_connection_ids);
  }
}

TEST(BackplaneEnvelopeCodecTest, NamesNeedNotBeUtf8) {
  BackplanePush push = SamplePush();
  push.audience = hubcore::Audience::Users({std::string("\xff\xfe", 2)});
  const auto decoded = std::get<BackplanePush>(RoundTrip(push));
  EXPECT_THAT(decoded.audience.names, ElementsAre(std::string("\xff\xfe", 2)));
}

TEST(BackplaneEnvelopeCodecTest, AnInvokeClientRequestKeepsItsArgumentsAndTimeout) {
  BackplaneEnvelope decoded = RoundTrip(SampleInvoke());
  ASSERT_TRUE(std::holds_alternative<ConnectionRequest>(decoded));
  const auto& request = std::get<ConnectionRequest>(decoded);
  ConnectionRequest sample = SampleInvoke();
  EXPECT_EQ(request.request_id, 42u);
  EXPECT_EQ(request.reply_replica, "replica-b");
  EXPECT_EQ(request.hub, "chat");
  EXPECT_EQ(request.connection_id, sample.connection_id);
  EXPECT_EQ(request.action, ConnectionRequest::Action::kInvokeClient);
  EXPECT_EQ(request.method, "getAnswer");
  EXPECT_EQ(request.arguments, sample.arguments);
  EXPECT_EQ(request.timeout, std::chrono::milliseconds(1500));
}

TEST(BackplaneEnvelopeCodecTest, GroupChangesAndLocateSurvive) {
  for (auto action : {ConnectionRequest::Action::kAddToGroup,
                      ConnectionRequest::Action::kRemoveFromGroup,
                      ConnectionRequest::Action::kLocate}) {
    ConnectionRequest request = SampleInvoke();
    request.action = action;
    request.group = action == ConnectionRequest::Action::kLocate ? "" : "room:1";
    const auto decoded = std::get<ConnectionRequest>(RoundTrip(request));
    EXPECT_EQ(decoded.action, action);
    EXPECT_EQ(decoded.group, request.group);
    EXPECT_TRUE(decoded.arguments.empty());
  }
}

TEST(BackplaneEnvelopeCodecTest, RepliesCarryResultsErrorsAndAddresses) {
  ConnectionReply result;
  result.request_id = 9;
  result.connection_id = "c1";
  result.found = true;
  result.client_result = hubcore::ClientResult{false, hubcore::Value(3.5), ""};
  const auto decoded_result = std::get<ConnectionReply>(RoundTrip(result));
  EXPECT_EQ(decoded_result.request_id, 9u);
  EXPECT_TRUE(decoded_result.found);
  ASSERT_TRUE(decoded_result.client_result.has_value());
  ASSERT_TRUE(decoded_result.client_result->ok());
  EXPECT_FALSE((*decoded_result.client_result)->is_error);
  EXPECT_EQ((*decoded_result.client_result)->result, hubcore::Value(3.5));

  ConnectionReply client_error = result;
  client_error.client_result = hubcore::ClientResult{true, {}, "Client didn't provide a result."};
  const auto decoded_client_error = std::get<ConnectionReply>(RoundTrip(client_error));
  EXPECT_TRUE((*decoded_client_error.client_result)->is_error);
  EXPECT_EQ((*decoded_client_error.client_result)->error, "Client didn't provide a result.");

  ConnectionReply failure = result;
  failure.client_result = absl::UnavailableError("Connection 'c1' disconnected.");
  const auto decoded_failure = std::get<ConnectionReply>(RoundTrip(failure));
  EXPECT_EQ(decoded_failure.client_result->status(),
            absl::UnavailableError("Connection 'c1' disconnected."));

  ConnectionReply located;
  located.request_id = 10;
  located.connection_id = "c1";
  located.found = true;
  located.advertise_address = "10.0.0.7:8080";
  const auto decoded_located = std::get<ConnectionReply>(RoundTrip(located));
  EXPECT_FALSE(decoded_located.client_result.has_value());
  EXPECT_EQ(decoded_located.advertise_address, "10.0.0.7:8080");
}

TEST(BackplaneEnvelopeCodecTest, EncodeRefusesWhatDecodeWouldRefuse) {
  BackplaneEnvelopeCodec codec(EnvelopeLimits{.max_envelope_bytes = 64});
  BackplanePush push = SamplePush();
  push.json_frame = hubcore::MakeFrame(std::string(100, 'x'));
  EXPECT_TRUE(absl::IsResourceExhausted(codec.Encode(push).status()));

  BackplaneEnvelopeCodec defaults;
  BackplanePush no_hub = SamplePush();
  no_hub.hub.clear();
  EXPECT_THAT(defaults.Encode(no_hub).status().message(), HasSubstr("hub"));
  ConnectionRequest long_wait = SampleInvoke();
  long_wait.timeout = std::chrono::hours(1);
  EXPECT_TRUE(absl::IsInvalidArgument(defaults.Encode(long_wait).status()));
}

TEST(BackplaneEnvelopeCodecTest, RefusesOversizedInputBeforeParsing) {
  BackplaneEnvelopeCodec codec(EnvelopeLimits{.max_envelope_bytes = 16});
  auto decoded = codec.Decode(std::string(17, '\0'));
  EXPECT_TRUE(absl::IsResourceExhausted(decoded.status())) << decoded.status();
}

TEST(BackplaneEnvelopeCodecTest, RefusesTooManyOrTooLongNames) {
  BackplaneEnvelopeCodec small(EnvelopeLimits{.max_names = 2, .max_name_bytes = 10});
  BackplanePush many = SamplePush();
  many.audience = hubcore::Audience::Users({"a", "b", "c"});
  auto bytes = BackplaneEnvelopeCodec().Encode(many);
  ASSERT_TRUE(bytes.ok());
  EXPECT_THAT(small.Decode(*bytes).status().message(), HasSubstr("names"));

  BackplanePush long_name = SamplePush();
  long_name.audience = hubcore::Audience::Users({"12345678901"});
  bytes = BackplaneEnvelopeCodec().Encode(long_name);
  ASSERT_TRUE(bytes.ok());
  EXPECT_THAT(std::string(small.Decode(*bytes).status().message()), HasSubstr("longer than 10"));
}

TEST(BackplaneEnvelopeCodecTest, RefusesEnvelopesMissingWhatTheReceiverNeeds) {
  BackplaneEnvelopeCodec codec;
  auto refused = [&codec](const v1::Envelope& envelope) {
    auto decoded = codec.Decode(envelope.SerializeAsString());
    EXPECT_TRUE(absl::IsInvalidArgument(decoded.status())) << decoded.status();
    return std::string(decoded.status().message());
  };
  EXPECT_THAT(refused(v1::Envelope()), HasSubstr("kind"));  // no kind: a newer replica's?

  v1::Envelope push;
  push.mutable_push()->set_message_id("id");
  push.mutable_push()->set_hub("chat");
  push.mutable_push()->set_method("m");
  push.mutable_push()->set_json_frame("{}\x1e");
  push.mutable_push()->set_messagepack_frame("\x01\x90");
  EXPECT_THAT(refused(push), HasSubstr("audience"));
  push.mutable_push()->mutable_audience()->set_kind(v1::Audience::ALL);
  EXPECT_TRUE(codec.Decode(push.SerializeAsString()).ok());
  push.mutable_push()->clear_messagepack_frame();
  EXPECT_THAT(refused(push), HasSubstr("frame"));

  v1::Envelope request;
  request.mutable_request()->set_reply_replica("r");
  request.mutable_request()->set_hub("chat");
  request.mutable_request()->set_connection_id("c1");
  EXPECT_THAT(refused(request), HasSubstr("action"));
  request.mutable_request()->mutable_invoke_client()->set_method("m");
  request.mutable_request()->mutable_invoke_client()->set_timeout_ms(10);
  request.mutable_request()->mutable_invoke_client()->set_arguments_messagepack("\xc1");
  EXPECT_THAT(refused(request), HasSubstr("arguments"));

  v1::Envelope reply;
  reply.mutable_reply()->set_connection_id("c1");
  reply.mutable_reply()->mutable_error()->set_code(0);  // an "error" that is OK
  EXPECT_THAT(refused(reply), HasSubstr("error"));
}

TEST(BackplaneEnvelopeCodecTest, EveryTruncationOfAValidEnvelopeIsRefused) {
  BackplaneEnvelopeCodec codec;
  for (const BackplaneEnvelope& envelope :
       {BackplaneEnvelope(SamplePush()), BackplaneEnvelope(SampleInvoke())}) {
    auto bytes = codec.Encode(envelope);
    ASSERT_TRUE(bytes.ok());
    ASSERT_TRUE(codec.Decode(*bytes).ok());
    // The kind is one length-delimited field, so every shorter prefix is incomplete.
    for (size_t length = 0; length < bytes->size(); ++length) {
      EXPECT_FALSE(codec.Decode(std::string_view(*bytes).substr(0, length)).ok()) << length;
    }
  }
}

TEST(BackplaneEnvelopeCodecTest, GarbageIsRefusedWithoutCrashing) {
  BackplaneEnvelopeCodec codec;
  std::mt19937 random(12);  // fixed seed: the same inputs every run
  std::uniform_int_distribution<int> byte(0, 255);
  int refused = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string garbage(1 + i % 200, '\0');
    for (char& c : garbage) {
      c = static_cast<char>(byte(random));
    }
    if (!codec.Decode(garbage).ok()) {
      ++refused;
    }
  }
  EXPECT_GT(refused, 1900);
  EXPECT_FALSE(codec.Decode("\x0a\xff\xff\xff\xff\x0f").ok());  // a length past the end
}

}  // namespace
}  // namespace hubgate::gateway
