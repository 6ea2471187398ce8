#include "gateway/runtime/worker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "tests/gateway/runtime/fake_ticked_session.h"

namespace hubgate::gateway {
namespace {

using namespace std::chrono_literals;

// Runs fn on the worker and waits for its result.
template <typename Fn>
auto RunOn(Worker& worker, Fn fn) {
  std::promise<decltype(fn())> result;
  worker.Post([&] {
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      result.set_value();
    } else {
      result.set_value(fn());
    }
  });
  return result.get_future().get();
}

class WorkerTest : public ::testing::Test {
 protected:
  void SetUp() override { worker_.Start(); }
  void TearDown() override { worker_.Stop(); }

  // Sessions live on the test's stack frame; they join the worker on its thread.
  void AddAll(std::vector<std::unique_ptr<FakeTickedSession>>& sessions) {
    RunOn(worker_, [&] {
      for (auto& session : sessions) worker_.AddSession(session.get());
    });
  }

  Worker worker_{3};
};

TEST_F(WorkerTest, PostRunsOnTheWorkersThread) {
  EXPECT_FALSE(worker_.IsCurrentThread());
  const auto [on_worker, id] = RunOn(
      worker_, [&] { return std::pair(worker_.IsCurrentThread(), std::this_thread::get_id()); });
  EXPECT_TRUE(on_worker);
  EXPECT_NE(id, std::this_thread::get_id());
  EXPECT_EQ(worker_.index(), 3u);
}

TEST_F(WorkerTest, PostTakesMoveOnlyCallablesAndKeepsTheirOrder) {
  std::vector<int> order;
  std::promise<void> done;
  for (int i = 0; i < 5; ++i) {
    worker_.Post([&order, value = std::make_unique<int>(i)] { order.push_back(*value); });
  }
  absl::AnyInvocable<void() &&> last = [&] { done.set_value(); };
  worker_.Post(std::move(last));
  done.get_future().wait();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST_F(WorkerTest, TickReachesEverySession) {
  std::vector<std::unique_ptr<FakeTickedSession>> sessions;
  for (int i = 0; i < 3; ++i) sessions.push_back(std::make_unique<FakeTickedSession>(worker_));
  AddAll(sessions);
  EXPECT_EQ(RunOn(worker_, [&] { return worker_.session_count(); }), 3u);
  // The tick comes once a second: each session gets the one after it joined.
  for (auto& session : sessions) {
    EXPECT_EQ(session->first_tick.get_future().wait_for(5s), std::future_status::ready);
  }
  RunOn(worker_, [&] {
    for (auto& session : sessions) worker_.RemoveSession(session.get());
  });
}

TEST_F(WorkerTest, DrainSpreadsTheClosesOverTheWindow) {
  std::vector<std::unique_ptr<FakeTickedSession>> sessions;
  for (int i = 0; i < 4; ++i) sessions.push_back(std::make_unique<FakeTickedSession>(worker_));
  AddAll(sessions);
  // 200 ms = 4 steps of 50 ms: one close per step.
  worker_.Drain(200ms, 10s);
  std::vector<std::chrono::steady_clock::time_point> closes;
  for (auto& session : sessions) {
    EXPECT_EQ(session->close_requests, 1);
    EXPECT_FALSE(session->aborted);
    closes.push_back(session->closed_at);
  }
  std::sort(closes.begin(), closes.end());
  for (size_t i = 1; i < closes.size(); ++i) {
    EXPECT_GE(closes[i] - closes[i - 1], 50ms) << "batch " << i << " waited for its step";
  }
  EXPECT_EQ(RunOn(worker_, [&] { return worker_.session_count(); }), 0u);
}

TEST_F(WorkerTest, DrainAbortsTheSessionsStillOpenAtTheDeadline) {
  std::vector<std::unique_ptr<FakeTickedSession>> sessions;
  sessions.push_back(std::make_unique<FakeTickedSession>(worker_));
  sessions.push_back(std::make_unique<FakeTickedSession>(worker_, /*ignores_close=*/true));
  AddAll(sessions);
  const auto start = std::chrono::steady_clock::now();
  worker_.Drain(0ms, 100ms);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
  EXPECT_FALSE(sessions[0]->aborted) << "it closed when asked";
  EXPECT_EQ(sessions[1]->close_requests, 1);
  EXPECT_TRUE(sessions[1]->aborted);
  EXPECT_EQ(RunOn(worker_, [&] { return worker_.session_count(); }), 0u);
}

TEST_F(WorkerTest, SessionsJoiningDuringADrainAreClosedAtOnce) {
  std::vector<std::unique_ptr<FakeTickedSession>> sessions;
  sessions.push_back(std::make_unique<FakeTickedSession>(worker_, /*ignores_close=*/true));
  AddAll(sessions);
  auto late = std::make_unique<FakeTickedSession>(worker_);
  std::thread drainer([&] { worker_.Drain(0ms, 300ms); });
  // Joins after the drain began (the drain's own task was posted before this one or after; a
  // late session is closed in either case).
  RunOn(worker_, [&] { worker_.AddSession(late.get()); });
  drainer.join();
  EXPECT_EQ(late->close_requests, 1);
  EXPECT_FALSE(late->aborted);
  EXPECT_TRUE(sessions[0]->aborted);
}

TEST_F(WorkerTest, DrainWithoutSessionsReturnsAtOnce) {
  const auto start = std::chrono::steady_clock::now();
  worker_.Drain(5s, 10s);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

TEST(WorkerLifecycleTest, StopEndsTheLoopAndDrainAfterwardsIsANoOp) {
  Worker worker(0);
  worker.Start();
  RunOn(worker, [] {});
  worker.Stop();
  worker.Stop();  // harmless
  worker.Drain(1s, 2s);  // no loop: returns at once instead of waiting
  // With no loop running the owner may touch the state again (e.g. to tear it down).
  EXPECT_EQ(worker.session_count(), 0u);
}

TEST(WorkerDeathTest, PerWorkerStateFromAnotherThreadCrashes) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Worker worker(0);
        worker.Start();
        worker.IndexFor("posts");
      },
      "per-worker state touched from another thread");
}

TEST(WorkerDeathTest, AnExceptionEscapingAHandlerEndsTheProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Worker worker(0);
        worker.Start();
        worker.Post([] { throw std::runtime_error("handler bug"); });
        std::promise<void>().get_future().wait();  // the worker's thread ends the process
      },
      "");
}

}  // namespace
}  // namespace hubgate::gateway
