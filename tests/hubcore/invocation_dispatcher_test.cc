// Hub methods through a HubConnection with a scripted backend: what the client receives for each
// outcome, ordering, streams, cancellation, uploads and client results.
#include "hubcore/invocation_dispatcher.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hubcore/hub_connection.h"
#include "tests/mocks/fake_connection_host.h"
#include "tests/mocks/fake_hub_backend.h"

namespace hubgate::hubcore {
namespace {

using testing::FakeHubBackend;
using Kind = MethodInfo::Kind;

using Host = testing::FakeConnectionHost;


class InvocationDispatcherTest : public ::testing::Test {
 protected:
  InvocationDispatcherTest() {
    backend_.AddMethod("Echo", Kind::kInvoke);
    backend_.AddMethod("Ticks", Kind::kStream);
    backend_.AddMethod("Upload", Kind::kInvoke, 1);
    options_.name = "posts";
  }

  // Handshake, with the backend accepting the connection.
  void Connect() {
    CallContext context;
    context.hub = "posts";
    context.connection_id = "c1";
    connection_ = std::make_unique<HubConnection>(context, options_, host_, &backend_, now_);
    Send("{\"protocol\":\"json\",\"version\":1}");
    ASSERT_TRUE(backend_.pending_connect);
    std::move(backend_.pending_connect)(std::string());
    host_.RunPosted();
    ASSERT_EQ(host_.Take(), "{}\x1e");
  }
  void Send(const std::string& json) { connection_->OnData(json + "\x1e", now_); }
  void Finish(size_t call, CallOutcome outcome) {
    backend_.calls.at(call)->Finish(std::move(outcome));
    host_.RunPosted();
  }

  HubOptions options_;
  FakeHubBackend backend_;
  Host host_;
  TimePoint now_{};
  std::unique_ptr<HubConnection> connection_;
};

TEST_F(InvocationDispatcherTest, ConnectionWaitsForTheBackendAndHoldsEarlyMessages) {
  CallContext context;
  context.connection_id = "c1";
  connection_ = std::make_unique<HubConnection>(context, options_, host_, &backend_, now_);
  Send("{\"protocol\":\"json\",\"version\":1}\x1e{\"type\":1,\"target\":\"echo\",\"arguments\":[1],"
       "\"invocationId\":\"0\"}");
  EXPECT_EQ(host_.Take(), "") << "no handshake answer before the backend accepts";
  EXPECT_EQ(connection_->state(), HubConnection::State::kConnecting);
  EXPECT_EQ(backend_.connected_contexts.at(0).protocol, "json");
  std::move(backend_.pending_connect)(std::string());
  host_.RunPosted();
  EXPECT_EQ(host_.Take(), "{}\x1e");
  EXPECT_EQ(host_.handshakes, 1);
  ASSERT_EQ(backend_.calls.size(), 1u) << "the held invocation ran after acceptance";
  EXPECT_EQ(backend_.calls[0]->method.name, "Echo") << "canonical name from the backend";
}

TEST_F(InvocationDispatcherTest, RejectionIsAHandshakeError) {
  CallContext context;
  context.connection_id = "c1";
  connection_ = std::make_unique<HubConnection>(context, options_, host_, &backend_, now_);
  Send("{\"protocol\":\"json\",\"version\":1}");
  std::move(backend_.pending_connect)(std::string("Unauthenticated."));
  host_.RunPosted();
  EXPECT_EQ(host_.Take(), "{\"error\":\"Unauthenticated.\"}\x1e");
  EXPECT_EQ(host_.close_calls, 1);
  EXPECT_EQ(host_.handshakes, 0);
  connection_->OnTransportClosed("");
  EXPECT_TRUE(backend_.disconnected.empty()) << "a rejected connection never connected";
}

TEST_F(InvocationDispatcherTest, ClosedWhileTheBackendDecidesStillReportsTheDisconnect) {
  CallContext context;
  context.connection_id = "c9";
  connection_ = std::make_unique<HubConnection>(context, options_, host_, &backend_, now_);
  Send("{\"protocol\":\"json\",\"version\":1}");
  connection_->OnTransportClosed("connection reset");
  EXPECT_TRUE(backend_.disconnected.empty());
  std::move(backend_.pending_connect)(std::string());  // the backend accepts, too late
  ASSERT_EQ(backend_.disconnected.size(), 1u);
  EXPECT_EQ(backend_.disconnected[0],
            (std::pair<std::string, std::string>("c9", "connection reset")));
  host_.RunPosted();
  EXPECT_EQ(host_.Take(), "") << "no handshake answer on a closed connection";
}

TEST_F(InvocationDispatcherTest, AcceptedButNotYetDeliveredThenClosedReportsTheDisconnect) {
  CallContext context;
  context.connection_id = "c8";
  connection_ = std::make_unique<HubConnection>(context, options_, host_, &backend_, now_);
  Send("{\"protocol\":\"json\",\"version\":1}");
  std::move(backend_.pending_connect)(std::string());  // accepted; the news is still queued
  connection_->OnTransportClosed("");
  ASSERT_EQ(backend_.disconnected.size(), 1u);
  host_.RunPosted();
  EXPECT_EQ(backend_.disconnected.size(), 1u) << "reported once";
}

TEST_F(InvocationDispatcherTest, BackendFailureOnConnectIsTheGenericHandshakeError) {
  CallContext context;
  connection_ = std::make_unique<HubConnection>(context, options_, host_, &backend_, now_);
  Send("{\"protocol\":\"json\",\"version\":1}");
  std::move(backend_.pending_connect)(absl::UnavailableError("down"));
  host_.RunPosted();
  EXPECT_EQ(host_.Take(),
            "{\"error\":\"An unexpected error occurred during connection handshake.\"}\x1e");
}

TEST_F(InvocationDispatcherTest, InvokeOutcomes) {
  Connect();
  for (int i = 0; i < 4; ++i) {
    Send("{\"type\":1,\"target\":\"Echo\",\"arguments\":[" + std::to_string(i) +
         "],\"invocationId\":\"" + std::to_string(i) + "\"}");
    ASSERT_EQ(backend_.calls.size(), static_cast<size_t>(i + 1));
    switch (i) {
      case 0: Finish(i, CallOutcome::Result(Value(int64_t{42}))); break;
      case 1: Finish(i, CallOutcome::Void()); break;
      case 2: Finish(i, CallOutcome::HubError("Bad input")); break;
      case 3: Finish(i, CallOutcome::Failure("UNAVAILABLE: connection refused")); break;
    }
  }
  EXPECT_EQ(host_.Take(),
            "{\"type\":3,\"invocationId\":\"0\",\"result\":42}\x1e"
            "{\"type\":3,\"invocationId\":\"1\"}\x1e"
            "{\"type\":3,\"invocationId\":\"2\",\"error\":\"An unexpected error occurred invoking "
            "'Echo' on the server. HubException: Bad input\"}\x1e"
            "{\"type\":3,\"invocationId\":\"3\",\"error\":\"An unexpected error occurred invoking "
            "'Echo' on the server.\"}\x1e");
}

TEST_F(InvocationDispatcherTest, DetailedErrorsShowBackendFailures) {
  options_.detailed_errors = true;
  Connect();
  Send("{\"type\":1,\"target\":\"Echo\",\"arguments\":[],\"invocationId\":\"9\"}");
  Finish(0, CallOutcome::Failure("DEADLINE_EXCEEDED: too slow"));
  EXPECT_EQ(host_.Take(),
            "{\"type\":3,\"invocationId\":\"9\",\"error\":\"An unexpected error occurred invoking "
            "'Echo' on the server. RpcException: DEADLINE_EXCEEDED: too slow\"}\x1e");
}

TEST_F(InvocationDispatcherTest, SendIsNeverAnsweredEvenOnError) {
  Connect();
  Send("{\"type\":1,\"target\":\"Echo\",\"arguments\":[]}");
  Send("{\"type\":1,\"target\":\"Missing\",\"arguments\":[]}");
  ASSERT_EQ(backend_.calls.size(), 1u);
  EXPECT_EQ(backend_.calls[0]->invocation_id, "");
  Finish(0, CallOutcome::HubError("nope"));
  EXPECT_EQ(host_.Take(), "");
}

TEST_F(InvocationDispatcherTest, UnknownMethodsAndWrongCallKinds) {
  Connect();
  Send("{\"type\":1,\"target\":\"Missing\",\"arguments\":[],\"invocationId\":\"1\"}");
  Send("{\"type\":1,\"target\":\"ticks\",\"arguments\":[],\"invocationId\":\"2\"}");
  Send("{\"type\":4,\"target\":\"Echo\",\"arguments\":[],\"invocationId\":\"3\"}");
  Send("{\"type\":4,\"target\":\"Nope\",\"arguments\":[],\"invocationId\":\"4\"}");
  Send("{\"type\":1,\"target\":\"Upload\",\"arguments\":[],\"invocationId\":\"5\"}");
  EXPECT_TRUE(backend_.calls.empty());
  EXPECT_EQ(host_.Take(),
            "{\"type\":3,\"invocationId\":\"1\",\"error\":\"Unknown hub method 'Missing'\"}\x1e"
            "{\"type\":3,\"invocationId\":\"2\",\"error\":\"The client attempted to invoke the "
            "streaming 'Ticks' method with a non-streaming invocation.\"}\x1e"
            "{\"type\":3,\"invocationId\":\"3\",\"error\":\"The client attempted to invoke the "
            "non-streaming 'Echo' method with a streaming invocation.\"}\x1e"
            "{\"type\":3,\"invocationId\":\"4\",\"error\":\"Unknown hub method 'Nope'\"}\x1e"
            "{\"type\":3,\"invocationId\":\"5\",\"error\":\"An unexpected error occurred invoking "
            "'Upload' on the server. HubException: Client sent 0 stream(s), Hub method expects "
            "1.\"}\x1e");
}

TEST_F(InvocationDispatcherTest, OneInvocationAtATimeByDefault) {
  Connect();
  Send("{\"type\":1,\"target\":\"Echo\",\"arguments\":[\"a\"],\"invocationId\":\"1\"}");
  Send("{\"type\":1,\"target\":\"Echo\",\"arguments\":[\"b\"],\"invocationId\":\"2\"}");
  Send("{\"type\":1,\"target\":\"Echo\",\"arguments\":[\"c\"]}");
  ASSERT_EQ(backend_.calls.size(), 1u) << "the second call waits for the first";
  Finish(0, CallOutcome::Void());
  ASSERT_EQ(backend_.calls.size(), 2u);
  EXPECT_EQ(backend_.calls[1]->arguments.at(0), Value("b"));
  Finish(1, CallOutcome::Void());
  ASSERT_EQ(backend_.calls.size(), 3u);
  EXPECT_EQ(backend_.calls[2]->arguments.at(0), Value("c"));
}

TEST_F(InvocationDispatcherTest, ParallelInvocationsWhenConfigured) {
  options_.max_parallel_invocations = 2;
  Connect();
  for (int i = 0; i < 3; ++i) {
    Send("{\"type\":1,\"target\":\"Echo\",\"arguments\":[],\"invocationId\":\"" +
         std::to_string(i) + "\"}");
  }
  EXPECT_EQ(backend_.calls.size(), 2u);
  Finish(1, CallOutcome::Void());
  EXPECT_EQ(backend_.calls.size(), 3u);
}

TEST_F(InvocationDispatcherTest, StreamItemsThenCompletionAndStreamsRunBesideInvocations) {
  Connect();
  Send("{\"type\":1,\"target\":\"Echo\",\"arguments\":[],\"invocationId\":\"1\"}");
  Send("{\"type\":4,\"target\":\"Ticks\",\"arguments\":[\"p1\"],\"invocationId\":\"2\"}");
  ASSERT_EQ(backend_.calls.size(), 2u) << "streams do not wait for invocations";
  auto& stream = *backend_.calls[1];
  EXPECT_EQ(stream.kind, "stream");
  stream.on_item(Value(int64_t{1}));
  stream.on_item(Value(int64_t{2}));
  host_.RunPosted();
  Finish(1, CallOutcome::Void());
  EXPECT_EQ(host_.Take(),
            "{\"type\":2,\"invocationId\":\"2\",\"item\":1}\x1e"
            "{\"type\":2,\"invocationId\":\"2\",\"item\":2}\x1e"
            "{\"type\":3,\"invocationId\":\"2\"}\x1e");
}

TEST_F(InvocationDispatcherTest, StreamErrorsUseTheStreamingText) {
  Connect();
  Send("{\"type\":4,\"target\":\"Ticks\",\"arguments\":[],\"invocationId\":\"1\"}");
  Send("{\"type\":4,\"target\":\"Ticks\",\"arguments\":[],\"invocationId\":\"1\"}");
  EXPECT_EQ(host_.Take(),
            "{\"type\":3,\"invocationId\":\"1\",\"error\":\"Invocation ID '1' is already in "
            "use.\"}\x1e");
  backend_.calls[0]->on_item(Value(int64_t{1}));
  host_.RunPosted();
  Finish(0, CallOutcome::HubError("sensor offline"));
  EXPECT_EQ(host_.Take(),
            "{\"type\":2,\"invocationId\":\"1\",\"item\":1}\x1e"
            "{\"type\":3,\"invocationId\":\"1\",\"error\":\"An error occurred on the server while "
            "streaming results. HubException: sensor offline\"}\x1e");
}

TEST_F(InvocationDispatcherTest, CancelInvocationCancelsTheBackendAndCompletes) {
  Connect();
  Send("{\"type\":4,\"target\":\"Ticks\",\"arguments\":[],\"invocationId\":\"7\"}");
  Send("{\"type\":5,\"invocationId\":\"7\"}");
  EXPECT_TRUE(backend_.calls[0]->cancelled);
  EXPECT_EQ(host_.Take(), "{\"type\":3,\"invocationId\":\"7\"}\x1e");
  backend_.calls[0]->on_item(Value(int64_t{3}));
  Finish(0, CallOutcome::Failure("CANCELLED"));
  EXPECT_EQ(host_.Take(), "") << "nothing after the cancellation's completion";
}

TEST_F(InvocationDispatcherTest, AReusedStreamIdIsNotDisturbedByTheCancelledCall) {
  Connect();
  Send("{\"type\":4,\"target\":\"Ticks\",\"arguments\":[],\"invocationId\":\"7\"}");
  Send("{\"type\":5,\"invocationId\":\"7\"}");
  Send("{\"type\":4,\"target\":\"Ticks\",\"arguments\":[],\"invocationId\":\"7\"}");
  ASSERT_EQ(backend_.calls.size(), 2u);
  host_.Take();
  backend_.calls[0]->on_item(Value("old"));
  backend_.calls[1]->on_item(Value("new"));
  Finish(0, CallOutcome::Failure("CANCELLED"));
  EXPECT_EQ(host_.Take(), "{\"type\":2,\"invocationId\":\"7\",\"item\":\"new\"}\x1e");
  Finish(1, CallOutcome::Void());
  EXPECT_EQ(host_.Take(), "{\"type\":3,\"invocationId\":\"7\"}\x1e");
}

TEST_F(InvocationDispatcherTest, AStreamTheClientCannotKeepUpWithEndsWithAnError) {
  options_.slow_consumer_policy = SlowConsumerPolicy::kDrop;
  Connect();
  Send("{\"type\":4,\"target\":\"Ticks\",\"arguments\":[],\"invocationId\":\"3\"}");
  host_.accept_bounded_writes = 1;
  backend_.calls[0]->on_item(Value(int64_t{1}));
  backend_.calls[0]->on_item(Value(int64_t{2}));
  backend_.calls[0]->on_item(Value(int64_t{3}));
  host_.RunPosted();
  EXPECT_TRUE(backend_.calls[0]->cancelled);
  EXPECT_EQ(host_.Take(),
            "{\"type\":2,\"invocationId\":\"3\",\"item\":1}\x1e"
            "{\"type\":3,\"invocationId\":\"3\",\"error\":\"An error occurred on the server "
            "while streaming results.\"}\x1e");
}

TEST_F(InvocationDispatcherTest, DisconnectCancelsStreamsAndReportsTheError) {
  Connect();
  Send("{\"type\":4,\"target\":\"Ticks\",\"arguments\":[],\"invocationId\":\"1\"}");
  connection_->OnTransportClosed("connection reset");
  EXPECT_TRUE(backend_.calls[0]->cancelled);
  ASSERT_EQ(backend_.disconnected.size(), 1u);
  EXPECT_EQ(backend_.disconnected[0], (std::pair<std::string, std::string>("c1",
                                                                            "connection reset")));
}

TEST_F(InvocationDispatcherTest, CleanCloseReportsAnEmptyError) {
  Connect();
  Send("{\"type\":7}");
  connection_->OnTransportClosed("");
  ASSERT_EQ(backend_.disconnected.size(), 1u);
  EXPECT_EQ(backend_.disconnected[0].second, "");
}

TEST_F(InvocationDispatcherTest, UploadStreamsFlowInOrderWithBackPressure) {
  Connect();
  Send("{\"type\":1,\"target\":\"Upload\",\"arguments\":[\"doc\"],\"streamIds\":[\"0\"],"
       "\"invocationId\":\"1\"}");
  ASSERT_EQ(backend_.calls.size(), 1u);
  auto& call = *backend_.calls[0];
  EXPECT_EQ(call.kind, "uploads");
  call.capacity = 2;
  Send("{\"type\":2,\"invocationId\":\"0\",\"item\":\"a\"}");
  EXPECT_FALSE(host_.paused);
  Send("{\"type\":2,\"invocationId\":\"0\",\"item\":\"b\"}");
  EXPECT_TRUE(host_.paused) << "buffer full: stop reading";
  call.on_writable();
  host_.RunPosted();
  EXPECT_FALSE(host_.paused);
  Send("{\"type\":3,\"invocationId\":\"0\",\"error\":\"Error: aborted\"}");
  ASSERT_EQ(call.items.size(), 2u);
  EXPECT_EQ(call.items[1].second, Value("b"));
  ASSERT_EQ(call.completions.size(), 1u);
  EXPECT_EQ(call.completions[0].second, std::optional<std::string>("Error: aborted"));
  Send("{\"type\":2,\"invocationId\":\"0\",\"item\":\"late\"}");
  EXPECT_EQ(call.items.size(), 2u) << "items after the stream's completion are ignored";
  Finish(0, CallOutcome::Result(Value(int64_t{2})));
  EXPECT_EQ(host_.Take(), "{\"type\":3,\"invocationId\":\"1\",\"result\":2}\x1e");
}

TEST_F(InvocationDispatcherTest, ClientResults) {
  Connect();
  std::vector<absl::StatusOr<ClientResult>> results;
  auto record = [&](absl::StatusOr<ClientResult> r) { results.push_back(r); };
  connection_->InvokeClient("GetValue", {Value(int64_t{1})}, now_ + std::chrono::seconds(5),
                            record);
  connection_->InvokeClient("GetValue", {}, now_ + std::chrono::seconds(5), record);
  connection_->InvokeClient("GetValue", {}, now_ + std::chrono::seconds(1), record);
  EXPECT_EQ(host_.Take(),
            "{\"type\":1,\"invocationId\":\"s1\",\"target\":\"GetValue\",\"arguments\":[1]}\x1e"
            "{\"type\":1,\"invocationId\":\"s2\",\"target\":\"GetValue\",\"arguments\":[]}\x1e"
            "{\"type\":1,\"invocationId\":\"s3\",\"target\":\"GetValue\",\"arguments\":[]}\x1e");
  Send("{\"type\":3,\"invocationId\":\"s1\",\"result\":10}");
  Send("{\"type\":3,\"invocationId\":\"s2\",\"error\":\"Client didn't provide a result.\"}");
  connection_->OnTick(now_ + std::chrono::seconds(2));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]->result, Value(int64_t{10}));
  EXPECT_TRUE(results[1]->is_error);
  EXPECT_EQ(results[1]->error, "Client didn't provide a result.");
  EXPECT_TRUE(absl::IsDeadlineExceeded(results[2].status()));

  connection_->InvokeClient("GetValue", {}, now_ + std::chrono::seconds(5), record);
  connection_->OnTransportClosed("");
  ASSERT_EQ(results.size(), 4u);
  EXPECT_TRUE(absl::IsUnavailable(results[3].status()));
  EXPECT_EQ(results[3].status().message(), "Connection 'c1' disconnected.");
}

}  // namespace
}  // namespace hubgate::hubcore
