#pragma once

#include <atomic>
#include <chrono>
#include <future>
#include <vector>

#include "gateway/runtime/worker.h"

namespace hubgate::gateway {

// A TickedSession that records what the worker asked of it. It ends (leaves the worker) when
// asked to close, unless told to ignore that, and always when aborted. Touched only on its
// worker's thread; the atomics are read by the test thread.
class FakeTickedSession : public TickedSession {
 public:
  using Clock = std::chrono::steady_clock;

  FakeTickedSession(Worker& worker, bool ignores_close = false)
      : worker_(worker), ignores_close_(ignores_close) {}

  void OnTick(Clock::time_point) override {
    if (ticks.fetch_add(1) == 0) {
      first_tick.set_value();
    }
  }
  void CloseForShutdown() override {
    close_requests.fetch_add(1);
    closed_at = Clock::now();
    if (!ignores_close_) {
      worker_.RemoveSession(this);
    }
  }
  void AbortForShutdown() override {
    aborted.store(true);
    worker_.RemoveSession(this);
  }

  std::atomic<int> ticks{0};
  std::promise<void> first_tick;
  std::atomic<int> close_requests{0};
  std::atomic<bool> aborted{false};
  Clock::time_point closed_at;  // read after the drain returned

 private:
  Worker& worker_;
  const bool ignores_close_;
};

}  // namespace hubgate::gateway
