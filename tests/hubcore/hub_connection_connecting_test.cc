// HubConnection while the backend's OnConnected runs (issue 11, item 9): the connection is
// routable from the moment its handshake is read, and what is pushed to it meanwhile is held
// and written after the handshake answer, in order; a rejection drops it.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "hubcore/hub_connection.h"
#include "hubcore/serialized_message.h"
#include "tests/mocks/fake_connection_host.h"
#include "tests/mocks/fake_hub_backend.h"

namespace hubgate::hubcore {
namespace {

class RoutingHost : public testing::FakeConnectionHost {
 public:
  // With defer_routable, the connection stays unroutable until the test calls `routable`.
  void OnConnecting(absl::AnyInvocable<void()> on_routable) override {
    ++connecting;
    if (defer_routable) {
      routable = std::move(on_routable);
      return;
    }
    on_routable();
  }
  int connecting = 0;
  bool defer_routable = false;
  absl::AnyInvocable<void()> routable;
};

SerializedMessage Push(const std::string& text) {
  InvocationMessage invocation;
  invocation.target = "Note";
  invocation.arguments.push_back(Value(text));
  return SerializedMessage(HubMessage(std::move(invocation)));
}

class HubConnectionConnectingTest : public ::testing::Test {
 protected:
  HubConnectionConnectingTest() { options_.name = "posts"; }

  HubConnection& Handshaken() {
    CallContext context;
    context.hub = "posts";
    context.connection_id = "id1";
    connection_ = std::make_unique<HubConnection>(context, options_, host_, &backend_, now_);
    connection_->OnData("{\"protocol\":\"json\",\"version\":1}\x1e", now_);
    return *connection_;
  }

  HubOptions options_;
  RoutingHost host_;
  testing::FakeHubBackend backend_;
  TimePoint now_{};
  std::unique_ptr<HubConnection> connection_;
};

TEST_F(HubConnectionConnectingTest, RoutableBeforeTheBackendAnswers) {
  HubConnection& c = Handshaken();
  EXPECT_EQ(c.state(), HubConnection::State::kConnecting);
  EXPECT_EQ(host_.connecting, 1);
  EXPECT_EQ(host_.handshakes, 0);
}

TEST_F(HubConnectionConnectingTest, TheBackendIsAskedOnlyOnceTheConnectionIsRoutable) {
  host_.defer_routable = true;
  HubConnection& c = Handshaken();
  c.Deliver(Push("early"));
  EXPECT_EQ(c.state(), HubConnection::State::kConnecting);
  EXPECT_FALSE(backend_.pending_connect) << "backend asked before the cluster can reach it";
  host_.routable();
  ASSERT_TRUE(backend_.pending_connect);
  std::move(backend_.pending_connect)(std::string());
  host_.RunPosted();
  EXPECT_EQ(host_.Take(),
            "{}\x1e"
            "{\"type\":1,\"target\":\"Note\",\"arguments\":[\"early\"]}\x1e");
}

TEST_F(HubConnectionConnectingTest, WithoutABackendTheHandshakeWaitsForRoutable) {
  host_.defer_routable = true;
  CallContext context;
  context.hub = "posts";
  context.connection_id = "id1";
  connection_ = std::make_unique<HubConnection>(context, options_, host_, nullptr, now_);
  connection_->OnData("{\"protocol\":\"json\",\"version\":1}\x1e", now_);
  connection_->Deliver(Push("early"));
  EXPECT_EQ(host_.Take(), "");
  host_.routable();
  EXPECT_EQ(connection_->state(), HubConnection::State::kConnected);
  EXPECT_EQ(host_.Take(),
            "{}\x1e"
            "{\"type\":1,\"target\":\"Note\",\"arguments\":[\"early\"]}\x1e");
}

TEST_F(HubConnectionConnectingTest, PushesWhileConnectingFollowTheHandshakeAnswerInOrder) {
  HubConnection& c = Handshaken();
  c.Deliver(Push("one"));
  c.Deliver(Push("two"));
  EXPECT_EQ(host_.Take(), "");
  std::move(backend_.pending_connect)(std::string());
  host_.RunPosted();
  EXPECT_EQ(host_.Take(),
            "{}\x1e"
            "{\"type\":1,\"target\":\"Note\",\"arguments\":[\"one\"]}\x1e"
            "{\"type\":1,\"target\":\"Note\",\"arguments\":[\"two\"]}\x1e");
  EXPECT_EQ(host_.handshakes, 1);
}

TEST_F(HubConnectionConnectingTest, ARejectionDropsWhatWasHeld) {
  HubConnection& c = Handshaken();
  c.Deliver(Push("one"));
  std::move(backend_.pending_connect)(std::string("Go away."));
  host_.RunPosted();
  EXPECT_EQ(host_.Take(), "{\"error\":\"Go away.\"}\x1e");
  EXPECT_EQ(host_.close_calls, 1);
}

TEST_F(HubConnectionConnectingTest, HeldPushesAreBoundedLikeTheSendQueue) {
  options_.max_queued_bytes = 100;
  HubConnection& c = Handshaken();
  for (int i = 0; i < 10; ++i) {
    c.Deliver(Push("a message of some length"));
  }
  std::move(backend_.pending_connect)(std::string());
  host_.RunPosted();
  // The default slow-consumer policy: the connection is closed with an error, as a full send
  // queue would close it, rather than silently losing some of the messages.
  const std::string written = host_.Take();
  EXPECT_EQ(written.rfind("{}\x1e", 0), 0u) << written;
  EXPECT_NE(written.find("\"type\":7"), std::string::npos) << written;
  EXPECT_EQ(c.close_cause(), CloseCause::kSlowConsumer);
}

TEST_F(HubConnectionConnectingTest, HeldPushesOverTheBoundAreDroppedUnderTheDropPolicy) {
  options_.max_queued_bytes = 100;
  options_.slow_consumer_policy = SlowConsumerPolicy::kDrop;
  HubConnection& c = Handshaken();
  for (int i = 0; i < 10; ++i) {
    c.Deliver(Push("a message of some length"));
  }
  std::move(backend_.pending_connect)(std::string());
  host_.RunPosted();
  const std::string written = host_.Take();
  EXPECT_EQ(written.find("\"type\":7"), std::string::npos) << written;
  EXPECT_NE(written.find("a message of some length"), std::string::npos) << written;
  EXPECT_EQ(c.state(), HubConnection::State::kConnected);
}

// on_backend_unavailable (issue 11, item 14).
TEST_F(HubConnectionConnectingTest, AnUnavailableBackendRefusesTheConnectionByDefault) {
  Handshaken();
  std::move(backend_.pending_connect)(absl::UnavailableError("UNAVAILABLE: connection refused"));
  host_.RunPosted();
  EXPECT_EQ(host_.Take(),
            "{\"error\":\"An unexpected error occurred during connection handshake.\"}\x1e");
}

TEST_F(HubConnectionConnectingTest, AcceptWhenBackendUnavailableOpensWithoutTheBackend) {
  options_.accept_when_backend_unavailable = true;
  HubConnection& c = Handshaken();
  c.Deliver(Push("broadcast"));
  std::move(backend_.pending_connect)(absl::DeadlineExceededError("DEADLINE_EXCEEDED: slow"));
  host_.RunPosted();
  EXPECT_EQ(host_.Take(),
            "{}\x1e{\"type\":1,\"target\":\"Note\",\"arguments\":[\"broadcast\"]}\x1e");
  EXPECT_EQ(c.state(), HubConnection::State::kConnected);
  c.OnTransportClosed("");
  EXPECT_TRUE(backend_.disconnected.empty()) << "the backend never heard of this connection";
}

TEST_F(HubConnectionConnectingTest, AcceptWhenBackendUnavailableStillRefusesOnOtherErrors) {
  options_.accept_when_backend_unavailable = true;
  Handshaken();
  std::move(backend_.pending_connect)(absl::InternalError("INTERNAL: bug"));
  host_.RunPosted();
  EXPECT_EQ(host_.Take(),
            "{\"error\":\"An unexpected error occurred during connection handshake.\"}\x1e");
}

}  // namespace
}  // namespace hubgate::hubcore
