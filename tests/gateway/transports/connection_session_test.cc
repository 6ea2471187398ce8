// ConnectionSession, what every transport session shares, driven through a minimal transport on
// a real worker: routing from the handshake to the close, teardown bookkeeping (metrics counted
// once, registry token removed, the worker's session set), the executor, the self-references,
// the send-queue bound and the shutdown drain.
#include "gateway/transports/connection_session.h"

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "gateway/ops/config.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kConnectionId[] = "conn-1";
constexpr char kToken[] = "token-1";
constexpr std::string_view kHandshake = "{\"protocol\":\"json\",\"version\":1}\x1e";

hubcore::CallContext CallContextFor(const hubcore::HubOptions& hub) {
  hubcore::CallContext context;
  context.hub = hub.name;
  context.connection_id = kConnectionId;
  context.user_id = "alice";
  context.transport = "WebSockets";
  return context;
}

// The smallest transport: frames are kept as text, a close completes on the next turn of the
// loop (as a socket's close would), and what the base asks of it is counted.
class TestSession final : public ConnectionSession {
 public:
  TestSession(Worker& worker, GatewayContext& context, const hubcore::HubOptions& hub)
      : ConnectionSession(worker, context, hub, /*backend=*/nullptr, CallContextFor(hub), kToken,
                          TransportKind::kWebSockets) {}

  // What a transport does with ConnectionSession's helpers, exposed to the test.
  void Start() { Register(); }
  void Receive(std::string_view bytes) {
    CountReceived(bytes.size(), 1);
    hub_.OnData(bytes, std::chrono::steady_clock::now());
  }
  void End(std::string_view reason) { Teardown(reason); }
  void WroteQueued() { ReleaseQueued(queued_bytes()); }
  size_t queued() const { return queued_bytes(); }
  hubcore::HubConnection::State state() const { return hub_.state(); }

  // hubcore::HubConnectionHost
  bool Write(hubcore::FrameConstSharedPtr frame, bool bounded) override {
    HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
    if (close_requested() || torn_down()) {
      return true;
    }
    if (!ReserveQueued(frame->size(), bounded)) {
      return false;
    }
    written.append(*frame);
    return true;
  }
  void PauseReading() override { HoldSelf(SelfHold::kWhileReadingPaused); }
  void ResumeReading() override { ReleaseSelf(SelfHold::kWhileReadingPaused); }

  // TickedSession
  void OnTick(std::chrono::steady_clock::time_point now) override { hub_.OnTick(now); }

  std::string written;
  bool close_completes = true;  // false: a peer that never finishes the close
  int close_requests = 0;
  int aborts = 0;
  int teardowns = 0;

 private:
  void OnCloseRequested() override {
    ++close_requests;
    if (close_completes) {
      worker_.Post([self = shared_from_this(), this] { Teardown(""); });
    }
  }
  void Abort(std::string_view why) override {
    ++aborts;
    Teardown(why);
  }
  void OnTeardown() override { ++teardowns; }
};

class ConnectionSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pool_.Start();
    ConnectionRegistry::Entry entry;
    entry.connection_id = kConnectionId;
    entry.hub = "posts";
    entry.connect_deadline = std::chrono::steady_clock::time_point::max();
    entry.claimed = true;
    entry.transport = TransportKind::kWebSockets;
    ASSERT_TRUE(registry_.Admit(kToken, std::move(entry)).ok());
  }
  void TearDown() override { pool_.Stop(); }

  Worker& worker() { return pool_.at(0); }

  // Runs fn on the worker's thread and returns its result once what fn posted to the worker has
  // run too (the work a session defers to the next turn of its loop).
  template <typename Fn>
  auto OnWorker(Fn fn) -> std::invoke_result_t<Fn> {
    using Result = std::invoke_result_t<Fn>;
    std::promise<void> done;
    std::conditional_t<std::is_void_v<Result>, bool, std::optional<Result>> result{};
    worker().Post([&] {
      if constexpr (std::is_void_v<Result>) {
        fn();
      } else {
        result.emplace(fn());
      }
      // Posted from the worker's thread, so it runs after what fn posted.
      worker().Post([&] { done.set_value(); });
    });
    done.get_future().wait();
    if constexpr (!std::is_void_v<Result>) {
      return *std::move(result);
    }
  }

  std::shared_ptr<TestSession> StartSession() {
    return OnWorker([this] {
      auto session = std::make_shared<TestSession>(worker(), context_, config_.hubs[0]);
      session->Start();
      return session;
    });
  }
  std::shared_ptr<TestSession> StartConnectedSession() {
    auto session = StartSession();
    OnWorker([&] { session->Receive(kHandshake); });
    return session;
  }
  // Drops the test's reference on the worker, where sessions live and die.
  void Release(std::shared_ptr<TestSession>& session) {
    OnWorker([&] { session.reset(); });
  }
  bool Routed() {
    return OnWorker([this] {
      const hubcore::HubIndex* index = worker().FindIndex("posts");
      return index != nullptr && index->HasConnection(kConnectionId);
    });
  }
  bool TokenKnown() { return registry_.Find(kToken, "posts").ok(); }

  // Declared so that the pool (and what its loop still holds) goes before what sessions use.
  GatewayConfig config_ = DefaultConfig();
  ConnectionRegistry registry_;
  Metrics metrics_;
  WorkerPool pool_{1};
  GatewayContext context_{config_, pool_, registry_, metrics_, nullptr, nullptr, {}, {}};
};

TEST_F(ConnectionSessionTest, RoutedFromTheHandshakeUntilTheNextTurnAfterTheClose) {
  auto session = StartSession();
  EXPECT_FALSE(Routed()) << "not a recipient before the handshake";
  OnWorker([&] { session->Receive(kHandshake); });
  EXPECT_EQ(session->written, "{}\x1e");
  EXPECT_TRUE(Routed());

  // The close may come from inside a delivery walking the index: the removal waits a turn.
  const bool routed_during_close = OnWorker([&] {
    session->CloseTransport();
    const hubcore::HubIndex* index = worker().FindIndex("posts");
    return index->HasConnection(kConnectionId);
  });
  EXPECT_TRUE(routed_during_close);
  EXPECT_FALSE(Routed());
  Release(session);
}

TEST_F(ConnectionSessionTest, TeardownCountsOnceForgetsTheTokenAndLeavesTheWorker) {
  auto session = StartConnectedSession();
  EXPECT_EQ(OnWorker([this] { return worker().session_count(); }), 1u);
  EXPECT_THAT(metrics_.Render(),
              HasSubstr("hubgate_connections{hub=\"posts\",protocol=\"json\","
                        "transport=\"websockets\"} 1"));

  OnWorker([&] {
    session->End("");
    session->End("again");  // a second end (a late completion) changes nothing
  });
  EXPECT_EQ(session->teardowns, 1);
  EXPECT_EQ(session->state(), hubcore::HubConnection::State::kClosed);
  EXPECT_FALSE(Routed());
  EXPECT_FALSE(TokenKnown());
  EXPECT_EQ(OnWorker([this] { return worker().session_count(); }), 0u);
  const std::string metrics = metrics_.Render();
  EXPECT_THAT(metrics, HasSubstr("hubgate_connections{hub=\"posts\",protocol=\"json\","
                                 "transport=\"websockets\"} 0"));
  EXPECT_THAT(metrics, HasSubstr("hubgate_disconnects_total{hub=\"posts\","
                                 "reason=\"client_closed\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("hubgate_received_bytes_total{hub=\"posts\","
                                 "transport=\"websockets\"} " + std::to_string(kHandshake.size())));
  EXPECT_THAT(metrics, Not(HasSubstr("hubgate_handshake_failures_total{")));
  Release(session);
}

TEST_F(ConnectionSessionTest, FailedHandshakeIsCountedAsSuchAndNeverRouted) {
  auto session = StartSession();
  OnWorker([&] { session->Receive("{\"protocol\":\"carrier-pigeon\",\"version\":1}\x1e"); });
  EXPECT_EQ(OnWorker([&] { return session->close_requests; }), 1);
  EXPECT_EQ(OnWorker([&] { return session->teardowns; }), 1) << "the close completed";
  EXPECT_FALSE(Routed());
  EXPECT_FALSE(TokenKnown());
  const std::string metrics = metrics_.Render();
  EXPECT_THAT(metrics, HasSubstr("hubgate_handshake_failures_total{hub=\"posts\","
                                 "reason=\"handshake_failed\",transport=\"websockets\"} 1"));
  EXPECT_THAT(metrics, Not(HasSubstr("hubgate_disconnects_total{")));
  Release(session);
}

TEST_F(ConnectionSessionTest, ExecutorRunsWorkOnTheWorkerOnlyWhileTheSessionLives) {
  auto session = StartConnectedSession();
  auto executor = OnWorker([&] { return session->Executor(); });
  EXPECT_EQ(executor, OnWorker([&] { return session->Executor(); })) << "made once";

  std::promise<bool> ran_on_worker;
  executor->Run([&] { ran_on_worker.set_value(worker().IsCurrentThread()); });
  EXPECT_TRUE(ran_on_worker.get_future().get());

  OnWorker([&] { session->End(""); });
  std::weak_ptr<TestSession> weak = session;
  Release(session);
  ASSERT_TRUE(weak.expired());
  bool ran_after_end = false;
  executor->Run([&] { ran_after_end = true; });
  OnWorker([] {});  // posted after the executor's task, from the same thread: runs after it
  EXPECT_FALSE(ran_after_end);
}

TEST_F(ConnectionSessionTest, SelfHoldKeepsTheSessionUntilReleasedOnALaterTurn) {
  auto session = StartConnectedSession();
  std::weak_ptr<TestSession> weak = session;
  OnWorker([&] { session->PauseReading(); });
  Release(session);
  EXPECT_FALSE(weak.expired()) << "nothing else holds a session whose reading is paused";

  const bool alive_in_the_same_turn = OnWorker([&] {
    weak.lock()->ResumeReading();
    return !weak.expired();
  });
  EXPECT_TRUE(alive_in_the_same_turn) << "the caller may still be inside the session";
  EXPECT_TRUE(weak.expired()) << "released on the next turn";
}

TEST_F(ConnectionSessionTest, BoundedWritesBeyondTheQueueBoundAreRefusedAndCounted) {
  config_.hubs[0].max_queued_bytes = 10;
  auto session = StartConnectedSession();
  OnWorker([&] { session->WroteQueued(); });  // the handshake answer went out
  const auto frame = std::make_shared<const hubcore::Frame>("12345678");
  EXPECT_TRUE(OnWorker([&] { return session->Write(frame, /*bounded=*/true); }));
  EXPECT_FALSE(OnWorker([&] { return session->Write(frame, /*bounded=*/true); }));
  EXPECT_TRUE(OnWorker([&] { return session->Write(frame, /*bounded=*/false); }))
      << "control frames always fit, so that a full queue still carries its Close";
  EXPECT_EQ(OnWorker([&] { return session->queued(); }), 16u);
  EXPECT_THAT(metrics_.Render(), HasSubstr("hubgate_send_queue_overflows_total{hub=\"posts\","
                                           "transport=\"websockets\"} 1"));
  OnWorker([&] { session->End(""); });
  Release(session);
}

TEST_F(ConnectionSessionTest, AFrameLargerThanTheBoundGoesIntoAnEmptyQueueOnly) {
  config_.hubs[0].max_queued_bytes = 10;
  auto session = StartConnectedSession();
  OnWorker([&] { session->WroteQueued(); });
  const auto large = std::make_shared<const hubcore::Frame>("larger than ten bytes");
  EXPECT_TRUE(OnWorker([&] { return session->Write(large, /*bounded=*/true); }))
      << "refusing it would close every recipient of the push without delivering anything";
  EXPECT_FALSE(OnWorker([&] { return session->Write(large, /*bounded=*/true); }))
      << "behind anything queued, the bound applies";
  OnWorker([&] { session->WroteQueued(); });
  EXPECT_TRUE(OnWorker([&] { return session->Write(large, /*bounded=*/true); }));
  OnWorker([&] { session->End(""); });
  Release(session);
}

TEST_F(ConnectionSessionTest, DrainClosesTheConnectionWithReconnectAllowed) {
  auto session = StartConnectedSession();
  pool_.Drain(std::chrono::milliseconds(0), std::chrono::seconds(10));
  EXPECT_THAT(session->written, HasSubstr("{\"type\":7,\"allowReconnect\":true}\x1e"));
  EXPECT_EQ(session->aborts, 0);
  EXPECT_EQ(session->teardowns, 1);
  EXPECT_FALSE(TokenKnown());
  EXPECT_EQ(OnWorker([this] { return worker().session_count(); }), 0u);
  Release(session);
}

TEST_F(ConnectionSessionTest, DrainDeadlineAbortsAConnectionThatDoesNotClose) {
  auto session = StartConnectedSession();
  OnWorker([&] { session->close_completes = false; });
  pool_.Drain(std::chrono::milliseconds(0), std::chrono::milliseconds(50));
  EXPECT_EQ(session->close_requests, 1);
  EXPECT_EQ(session->aborts, 1);
  EXPECT_EQ(session->teardowns, 1);
  EXPECT_THAT(metrics_.Render(), HasSubstr("hubgate_disconnects_total{hub=\"posts\","
                                           "reason=\"server_closed\"} 1"));
  Release(session);
}

// A session on a running worker, closed from the calling thread instead of the worker's.
void CloseFromAnotherThread() {
  GatewayConfig config = DefaultConfig();
  ConnectionRegistry registry;
  Metrics metrics;
  WorkerPool pool(1);
  GatewayContext context{config, pool, registry, metrics, nullptr, nullptr, {}, {}};
  pool.Start();
  TestSession session(pool.at(0), context, config.hubs[0]);
  session.CloseTransport();
}

TEST(ConnectionSessionDeathTest, StateTouchedOffItsWorkerCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(CloseFromAnotherThread(), "invariant broken: .*IsCurrentThread");
}

}  // namespace
}  // namespace hubgate::gateway
