#include "hubcore/hub_connection.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hubcore/hub_errors.h"
#include "tests/mocks/fake_connection_host.h"

namespace hubgate::hubcore {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

using FakeHost = testing::FakeConnectionHost;


class HubConnectionTest : public ::testing::Test {
 protected:
  HubConnectionTest() {
    options_.name = "posts";
    options_.max_message_size = 1024;
  }

  HubConnection& Connect(std::optional<TimePoint> authentication_expiry = std::nullopt) {
    CallContext context;
    context.hub = "posts";
    context.connection_id = "id1";
    context.user_id = "alice";
    context.authentication_expiry = authentication_expiry;
    connection_ = std::make_unique<HubConnection>(context, options_, host_, nullptr, now_);
    return *connection_;
  }
  HubConnection& Handshaken(std::optional<TimePoint> authentication_expiry = std::nullopt) {
    HubConnection& c = Connect(authentication_expiry);
    c.OnData("{\"protocol\":\"json\",\"version\":1}\x1e", now_);
    EXPECT_EQ(host_.Take(), "{}\x1e");
    return c;
  }
  void Advance(milliseconds d) { now_ += d; }

  HubOptions options_;
  FakeHost host_;
  TimePoint now_{};
  std::unique_ptr<HubConnection> connection_;
};

TEST_F(HubConnectionTest, HandshakeSucceedsAndMessagesInTheSameChunkAreProcessed) {
  HubConnection& c = Connect();
  c.OnData("{\"protocol\":\"json\",\"version\":2}\x1e{\"type\":1,\"target\":\"Nope\",\"arguments\":[],"
           "\"invocationId\":\"7\"}\x1e",
           now_);
  EXPECT_EQ(c.state(), HubConnection::State::kConnected);
  EXPECT_EQ(host_.handshakes, 1);
  EXPECT_EQ(host_.Take(),
            "{}\x1e{\"type\":3,\"invocationId\":\"7\",\"error\":\"Unknown hub method 'Nope'\"}\x1e");
}

TEST_F(HubConnectionTest, HandshakeSplitAcrossChunks) {
  HubConnection& c = Connect();
  c.OnData("{\"protocol\":", now_);
  c.OnData("\"json\",\"version\":1}", now_);
  EXPECT_EQ(c.state(), HubConnection::State::kHandshaking);
  c.OnData("\x1e", now_);
  EXPECT_EQ(c.state(), HubConnection::State::kConnected);
}

TEST_F(HubConnectionTest, HandshakeErrorsAreAnsweredAndClose) {
  struct Case {
    std::string input;
    std::string response;
  };
  for (const Case& test : std::vector<Case>{
           {"{\"protocol\":\"foo\",\"version\":1}\x1e",
            "{\"error\":\"The protocol 'foo' is not supported.\"}\x1e"},
           {"{\"protocol\":\"json\",\"version\":3}\x1e",
            "{\"error\":\"The server does not support version 3 of the 'json' protocol.\"}\x1e"},
           {"not json\x1e",
            "{\"error\":\"An unexpected error occurred during connection handshake.\"}\x1e"},
           {std::string(2000, 'x'), "{\"error\":\"Handshake was canceled.\"}\x1e"},
       }) {
    host_ = FakeHost();
    HubConnection& c = Connect();
    c.OnData(test.input, now_);
    EXPECT_EQ(host_.Take(), test.response) << test.input.substr(0, 40);
    EXPECT_EQ(host_.close_calls, 1);
    EXPECT_EQ(host_.handshakes, 0);
    EXPECT_EQ(c.state(), HubConnection::State::kClosing);
  }
}

TEST_F(HubConnectionTest, HandshakeTimeout) {
  HubConnection& c = Connect();
  Advance(options_.handshake_timeout - milliseconds(1));
  c.OnTick(now_);
  EXPECT_EQ(host_.close_calls, 0);
  Advance(milliseconds(1));
  c.OnTick(now_);
  EXPECT_EQ(host_.Take(), "{\"error\":\"Handshake was canceled.\"}\x1e");
  EXPECT_EQ(host_.close_calls, 1);
}

TEST_F(HubConnectionTest, InvocationsBeyondTheRateAreAnsweredWithAnErrorOrDropped) {
  options_.max_invocations_per_second = 1;
  options_.invocation_burst = 2;
  HubConnection& c = Handshaken();
  const auto invoke = [&](const std::string& id) {
    c.OnData("{\"type\":1,\"invocationId\":\"" + id + "\",\"target\":\"M\",\"arguments\":[]}\x1e",
             now_);
  };
  invoke("1");
  invoke("2");
  const std::string allowed = host_.Take();
  EXPECT_EQ(allowed.find("rate limit"), std::string::npos) << "the burst is allowed: " << allowed;
  invoke("3");
  EXPECT_EQ(host_.Take(),
            "{\"type\":3,\"invocationId\":\"3\",\"error\":\"Invocation rate limit exceeded.\"}\x1e");
  c.OnData("{\"type\":1,\"target\":\"M\",\"arguments\":[]}\x1e", now_);
  EXPECT_EQ(host_.Take(), "") << "a call without an id gets no answer, not even this one";
  c.OnData("{\"type\":4,\"invocationId\":\"4\",\"target\":\"S\",\"arguments\":[]}\x1e", now_);
  EXPECT_NE(host_.Take().find("Invocation rate limit exceeded."), std::string::npos)
      << "stream invocations count as well";
  EXPECT_EQ(host_.limit_hits, std::vector<std::string>(3, "max_invocations_per_second"));
  EXPECT_EQ(c.state(), HubConnection::State::kConnected) << "the connection stays";
  Advance(seconds(1));
  invoke("5");
  EXPECT_EQ(host_.Take().find("rate limit"), std::string::npos) << "a second later, one more";
}

TEST_F(HubConnectionTest, ClosesWhenTheTokenExpiresIfTheHubAsksForIt) {
  options_.close_on_authentication_expiration = true;
  options_.keep_alive_interval = seconds(60);
  HubConnection& c = Handshaken(now_ + seconds(10));
  Advance(seconds(9));
  c.OnTick(now_);
  EXPECT_EQ(host_.Take(), "");
  Advance(seconds(1));
  c.OnTick(now_);
  EXPECT_EQ(host_.Take(),
            "{\"type\":7,\"error\":\"Connection closed with an error.\",\"allowReconnect\":true}\x1e")
      << "allowReconnect: an automatic reconnect negotiates again with a fresh token";
  EXPECT_EQ(host_.close_calls, 1);
  EXPECT_EQ(c.close_cause(), CloseCause::kAuthenticationExpired);
}

TEST_F(HubConnectionTest, ATokenExpiryIsIgnoredUnlessTheHubAsksForIt) {
  options_.keep_alive_interval = seconds(60);
  HubConnection& c = Handshaken(now_ + seconds(10));
  Advance(seconds(11));
  c.OnTick(now_);
  EXPECT_EQ(host_.Take(), "");
  EXPECT_EQ(host_.close_calls, 0) << "as in ASP.NET Core, tokens are checked at connect time only";
}

TEST_F(HubConnectionTest, PingsWhenNothingWasSentForTheKeepAliveInterval) {
  HubConnection& c = Handshaken();
  c.OnTick(now_);  // the handshake answer counts as a write
  Advance(options_.keep_alive_interval - seconds(1));
  c.OnTick(now_);
  EXPECT_EQ(host_.Take(), "");
  Advance(seconds(1));
  c.OnTick(now_);
  EXPECT_EQ(host_.Take(), "{\"type\":6}\x1e");
}

TEST_F(HubConnectionTest, PushedMessagesPostponeThePing) {
  HubConnection& c = Handshaken();
  SerializedMessage message(InvocationMessage{{}, std::nullopt, "Hi", {Value(1)}, {}});
  Advance(seconds(10));
  c.Deliver(message);
  c.OnTick(now_);
  host_.Take();
  Advance(seconds(14));
  c.OnTick(now_);
  EXPECT_EQ(host_.Take(), "");
}

TEST_F(HubConnectionTest, ClientTimeoutStartsWithTheFirstPing) {
  HubConnection& c = Handshaken();
  Advance(options_.client_timeout * 2);
  c.OnTick(now_);
  EXPECT_EQ(host_.close_calls, 0) << "no ping yet, so no client timeout";
  host_.Take();
  c.OnData("{\"type\":6}\x1e", now_);
  Advance(options_.client_timeout - seconds(1));
  c.OnTick(now_);
  EXPECT_EQ(host_.close_calls, 0);
  Advance(seconds(1));
  c.OnTick(now_);
  EXPECT_EQ(host_.close_calls, 1);
  EXPECT_NE(host_.Take().find("{\"type\":7,\"error\":\"Connection closed with an error.\","
                              "\"allowReconnect\":true}\x1e"),
            std::string::npos);
}

TEST_F(HubConnectionTest, MalformedMessageClosesWithError) {
  HubConnection& c = Handshaken();
  c.OnData("{\"type\":1,\"arguments\":[]}\x1e", now_);
  EXPECT_EQ(host_.Take(), "{\"type\":7,\"error\":\"Connection closed with an error.\"}\x1e");
  EXPECT_EQ(host_.close_calls, 1);
  EXPECT_EQ(c.close_reason(), "Missing required property 'target'.");
}

TEST_F(HubConnectionTest, DetailedErrorsExplainTheOversizedMessage) {
  options_.detailed_errors = true;
  HubConnection& c = Handshaken();
  c.OnData(std::string(1500, ' '), now_);
  EXPECT_EQ(host_.Take(),
            "{\"type\":7,\"error\":\"Connection closed with an error. InvalidDataException: The "
            "maximum message size of 1024B was exceeded. The message size can be configured in "
            "AddHubOptions.\"}\x1e");
}

TEST_F(HubConnectionTest, UnknownMessageTypesAreIgnored) {
  HubConnection& c = Handshaken();
  c.OnData("{\"type\":99,\"x\":1}\x1e{\"type\":6}\x1e", now_);
  EXPECT_EQ(c.state(), HubConnection::State::kConnected);
  EXPECT_EQ(host_.Take(), "");
}

TEST_F(HubConnectionTest, SendWithoutInvocationIdIsNeverAnswered) {
  HubConnection& c = Handshaken();
  c.OnData("{\"type\":1,\"target\":\"Nope\",\"arguments\":[1]}\x1e", now_);
  EXPECT_EQ(host_.Take(), "");
  EXPECT_EQ(c.state(), HubConnection::State::kConnected);
}

TEST_F(HubConnectionTest, ClientCloseEndsWithoutReply) {
  HubConnection& c = Handshaken();
  c.OnData("{\"type\":7}\x1e{\"type\":1,\"target\":\"After\",\"arguments\":[],\"invocationId\":\"1\"}"
           "\x1e",
           now_);
  EXPECT_EQ(host_.Take(), "");
  EXPECT_EQ(host_.close_calls, 1);
}

TEST_F(HubConnectionTest, ServerCloseSendsCloseMessageOnce) {
  HubConnection& c = Handshaken();
  c.Close(std::nullopt, true);
  c.Close(std::string("again"), false);
  EXPECT_EQ(host_.Take(), "{\"type\":7,\"allowReconnect\":true}\x1e");
  EXPECT_EQ(host_.close_calls, 1);
  SerializedMessage message(PingMessage{});
  c.Deliver(message);
  EXPECT_EQ(host_.Take(), "") << "nothing is delivered after Close";
}

TEST_F(HubConnectionTest, DeliveryBeforeHandshakeIsDropped) {
  HubConnection& c = Connect();
  SerializedMessage message(InvocationMessage{{}, std::nullopt, "Hi", {}, {}});
  c.Deliver(message);
  EXPECT_EQ(host_.Take(), "");
}

TEST_F(HubConnectionTest, QueueOverflowClosesTheConnectionByDefault) {
  HubConnection& c = Handshaken();
  host_.accept_bounded_writes = 1;
  SerializedMessage message(InvocationMessage{{}, std::nullopt, "Hi", {}, {}});
  c.Deliver(message);
  c.Deliver(message);
  EXPECT_EQ(host_.Take(),
            "{\"type\":1,\"target\":\"Hi\",\"arguments\":[]}\x1e"
            "{\"type\":7,\"error\":\"Connection closed with an error.\",\"allowReconnect\":true}\x1e");
  EXPECT_EQ(host_.close_calls, 1);
  EXPECT_EQ(c.close_reason(), "send queue overflow");
}

TEST_F(HubConnectionTest, QueueOverflowDropsWithTheDropPolicy) {
  options_.slow_consumer_policy = SlowConsumerPolicy::kDrop;
  HubConnection& c = Handshaken();
  host_.accept_bounded_writes = 0;
  SerializedMessage message(InvocationMessage{{}, std::nullopt, "Hi", {}, {}});
  c.Deliver(message);
  EXPECT_EQ(host_.Take(), "");
  EXPECT_EQ(host_.close_calls, 0);
  EXPECT_EQ(c.state(), HubConnection::State::kConnected);
}

}  // namespace
}  // namespace hubgate::hubcore
