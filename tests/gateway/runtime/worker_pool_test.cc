#include "gateway/runtime/worker_pool.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>
#include <memory>
#include <vector>

#include "spdlog/spdlog.h"
#include "tests/gateway/runtime/fake_ticked_session.h"

namespace hubgate::gateway {
namespace {

using namespace std::chrono_literals;

TEST(WorkerPoolTest, NextDealsRoundRobin) {
  WorkerPool pool(3);
  ASSERT_EQ(pool.size(), 3u);
  std::vector<uint32_t> dealt;
  for (int i = 0; i < 7; ++i) dealt.push_back(pool.Next().index());
  EXPECT_EQ(dealt, (std::vector<uint32_t>{0, 1, 2, 0, 1, 2, 0}));
  EXPECT_EQ(pool.at(2).index(), 2u);
}

TEST(WorkerPoolTest, ZeroMeansOneWorkerPerHardwareThread) {
  WorkerPool pool(0);
  EXPECT_EQ(pool.size(), std::max(1u, std::thread::hardware_concurrency()));
}

TEST(WorkerPoolTest, EachWorkerRunsItsOwnThread) {
  WorkerPool pool(2);
  pool.Start();
  std::promise<std::thread::id> first;
  std::promise<std::thread::id> second;
  pool.at(0).Post([&] { first.set_value(std::this_thread::get_id()); });
  pool.at(1).Post([&] { second.set_value(std::this_thread::get_id()); });
  EXPECT_NE(first.get_future().get(), second.get_future().get());
  pool.Stop();
}

TEST(WorkerPoolTest, DrainClosesTheSessionsOfEveryWorkerInParallel) {
  // Both workers log as they drain. Create spdlog's registry here first, as main() does before
  // any thread starts (its lazy set-up inside the uninstrumented library looks like a race to
  // TSan when two workers log first at the same time).
  spdlog::default_logger();
  WorkerPool pool(2);
  pool.Start();
  // Each worker has one session that only goes at the deadline: drained one after the other,
  // the pool would take two deadlines.
  std::vector<std::unique_ptr<FakeTickedSession>> sessions;
  for (uint32_t w = 0; w < pool.size(); ++w) {
    sessions.push_back(std::make_unique<FakeTickedSession>(pool.at(w), /*ignores_close=*/true));
    std::promise<void> added;
    pool.at(w).Post([&, w] {
      pool.at(w).AddSession(sessions[w].get());
      added.set_value();
    });
    added.get_future().wait();
  }
  const auto start = std::chrono::steady_clock::now();
  pool.Drain(0ms, 400ms);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 400ms);
  EXPECT_LT(took, 800ms);
  for (auto& session : sessions) {
    EXPECT_EQ(session->close_requests, 1);
    EXPECT_TRUE(session->aborted);
  }
  pool.Stop();
}

}  // namespace
}  // namespace hubgate::gateway
