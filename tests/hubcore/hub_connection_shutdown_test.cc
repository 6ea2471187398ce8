// HubConnection: why a connection ended (CloseCause, for metrics) and the graceful shutdown
// close that waits for hub method calls in flight (CloseWhenIdle).
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "hubcore/hub_connection.h"
#include "tests/mocks/fake_connection_host.h"
#include "tests/mocks/fake_hub_backend.h"

namespace hubgate::hubcore {
namespace {

using std::chrono::seconds;

class HubConnectionShutdownTest : public ::testing::Test {
 protected:
  HubConnectionShutdownTest() {
    options_.name = "posts";
    backend_.AddMethod("Work", MethodInfo::Kind::kInvoke);
    backend_.AddMethod("Feed", MethodInfo::Kind::kStream);
  }

  HubConnection& Connect(HubBackend* backend) {
    CallContext context;
    context.hub = "posts";
    context.connection_id = "id1";
    connection_ = std::make_unique<HubConnection>(context, options_, host_, backend, now_);
    return *connection_;
  }
  HubConnection& Connected() {
    host_.Take();
    HubConnection& c = Connect(&backend_);
    c.OnData("{\"protocol\":\"json\",\"version\":1}\x1e", now_);
    std::move(backend_.pending_connect)(std::string());
    host_.RunPosted();
    EXPECT_EQ(host_.Take(), "{}\x1e");
    return c;
  }

  HubOptions options_;
  testing::FakeConnectionHost host_;
  testing::FakeHubBackend backend_;
  TimePoint now_{};
  std::unique_ptr<HubConnection> connection_;
};

TEST_F(HubConnectionShutdownTest, CloseWhenIdleClosesAtOnceWithoutCallsInFlight) {
  HubConnection& c = Connected();
  c.CloseWhenIdle();
  EXPECT_EQ(host_.Take(), "{\"type\":7,\"allowReconnect\":true}\x1e");
  EXPECT_EQ(host_.close_calls, 1);
  EXPECT_EQ(c.close_cause(), CloseCause::kServerClosed);
}

TEST_F(HubConnectionShutdownTest, CloseWhenIdleWaitsForTheCallInFlight) {
  HubConnection& c = Connected();
  c.OnData("{\"type\":1,\"invocationId\":\"1\",\"target\":\"Work\",\"arguments\":[]}\x1e", now_);
  ASSERT_EQ(backend_.calls.size(), 1u);
  c.CloseWhenIdle();
  EXPECT_EQ(host_.Take(), "") << "no Close while the call runs";
  EXPECT_EQ(host_.close_calls, 0);
  backend_.calls[0]->Finish(CallOutcome::Result(Value(int64_t{7})));
  host_.RunPosted();
  EXPECT_EQ(host_.Take(),
            "{\"type\":3,\"invocationId\":\"1\",\"result\":7}\x1e"
            "{\"type\":7,\"allowReconnect\":true}\x1e");
  EXPECT_EQ(host_.close_calls, 1);
}

TEST_F(HubConnectionShutdownTest, CloseWhenIdleDoesNotWaitForStreams) {
  HubConnection& c = Connected();
  c.OnData("{\"type\":4,\"invocationId\":\"s\",\"target\":\"Feed\",\"arguments\":[]}\x1e", now_);
  ASSERT_EQ(backend_.calls.size(), 1u);
  c.CloseWhenIdle();
  EXPECT_EQ(host_.Take(), "{\"type\":7,\"allowReconnect\":true}\x1e");
}

TEST_F(HubConnectionShutdownTest, CausesOfTheEnd) {
  {
    HubConnection& c = Connected();
    c.OnTransportClosed("");
    EXPECT_EQ(c.close_cause(), CloseCause::kClientClosed);
  }
  {
    HubConnection& c = Connected();
    c.OnTransportClosed("Connection reset by peer");
    EXPECT_EQ(c.close_cause(), CloseCause::kTransportError);
  }
  {
    HubConnection& c = Connected();
    c.OnData("{\"type\":1}\x1e", now_);
    c.OnTransportClosed("");
    EXPECT_EQ(c.close_cause(), CloseCause::kProtocolError) << "the first cause wins";
  }
  {
    HubConnection& c = Connect(nullptr);
    c.OnData("{\"protocol\":\"xml\",\"version\":1}\x1e", now_);
    EXPECT_EQ(c.close_cause(), CloseCause::kHandshakeFailed);
  }
  {
    HubConnection& c = Connect(&backend_);
    c.OnData("{\"protocol\":\"json\",\"version\":1}\x1e", now_);
    std::move(backend_.pending_connect)(std::string("go away"));
    host_.RunPosted();
    EXPECT_EQ(c.close_cause(), CloseCause::kRejected);
  }
  {
    HubConnection& c = Connected();
    c.OnData("{\"type\":6}\x1e", now_);  // the client's first ping arms the client timeout
    now_ += options_.client_timeout;
    c.OnTick(now_);
    EXPECT_EQ(c.close_cause(), CloseCause::kClientTimeout);
  }
  {
    host_.accept_bounded_writes = 0;
    HubConnection& c = Connected();
    SerializedMessage message(InvocationMessage{{}, std::nullopt, "Hi", {}, {}});
    c.Deliver(message);
    EXPECT_EQ(c.close_cause(), CloseCause::kSlowConsumer);
    host_.accept_bounded_writes = 1000;
  }
  {
    HubConnection& c = Connected();
    c.NoteCloseCause(CloseCause::kSlowConsumer);  // e.g. a stuck write, seen by the transport
    c.OnTransportClosed("Operation canceled");
    EXPECT_EQ(c.close_cause(), CloseCause::kSlowConsumer);
  }
}

}  // namespace
}  // namespace hubgate::hubcore
