#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "gateway/ops/net.h"
#include "hubcore/check.h"
#include "hubcore/hub_index.h"

namespace hubgate::gateway {

// Something a worker ticks once a second and can ask to close (a transport session).
class TickedSession {
 public:
  virtual ~TickedSession() = default;
  virtual void OnTick(std::chrono::steady_clock::time_point now) = 0;
  // Graceful server shutdown: send Close and end the connection.
  virtual void CloseForShutdown() = 0;
  // The drain deadline passed: drop the connection now.
  virtual void AbortForShutdown() = 0;
};

// One event loop on one thread. Each connection lives on one worker for life, and the worker
// owns that connection's share of the routing index, so no session state needs a lock.
class Worker {
 public:
  explicit Worker(uint32_t index);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Before Start: who hears of the routing changes of this worker's indexes (may be null).
  void SetRoutingObserver(hubcore::RoutingObserver* observer) { routing_observer_ = observer; }
  void Start();
  // Asks every session to close, spread evenly over `window` (in steps of 50 ms), and waits
  // until they are gone; at the deadline (counted from now) the rest are aborted. The loop keeps
  // running (work already posted, e.g. pushes, still completes), and sessions that appear
  // meanwhile are closed at once.
  void Drain(std::chrono::milliseconds window, std::chrono::milliseconds deadline);
  // Stops the loop and joins the thread.
  void Stop();

  uint32_t index() const { return index_; }
  // Whether the caller runs on this worker's thread (Envoy's isThreadSafe): per-worker state
  // (routing index, sessions) may only be touched there.
  bool IsCurrentThread() const { return std::this_thread::get_id() == thread_.get_id(); }
  net::io_context& io_context() { return io_context_; }
  // Runs fn on this worker's thread, on a later turn of its loop; callable from any thread. fn
  // is any movable callable (a lambda, an AnyInvocable) and is posted as it is: no wrapper, so
  // the fan-out paths (LocalPublisher) pay for one allocation per task, Asio's own.
  template <typename Fn>
  void Post(Fn&& fn) {
    net::post(io_context_, std::forward<Fn>(fn));
  }

  // The following must be called on the worker's thread (they crash elsewhere).
  hubcore::HubIndex& IndexFor(const std::string& hub) {
    CheckOwnerThread();
    return indexes_.try_emplace(hub, hub, routing_observer_).first->second;
  }
  const hubcore::HubIndex* FindIndex(const std::string& hub) const;
  void AddSession(TickedSession* session);
  void RemoveSession(TickedSession* session);
  size_t session_count() const {
    CheckOwnerThread();
    return sessions_.size();
  }

 private:
  // Per-worker state is touched on the worker's thread only, or while no loop runs (before
  // Start, after Stop: sessions left in the stopped loop are destroyed by its owner).
  void CheckOwnerThread() const {
    HUBGATE_CHECK(IsCurrentThread() || !thread_.joinable(),
                  "per-worker state touched from another thread");
  }
  void ScheduleTick();
  void ForEachSession(absl::FunctionRef<void(TickedSession&)> fn);
  // Runs and clears on_drained_, if set.
  void FinishDrain();
  // Closes sessions[next..] in batches of `batch`, one batch per drain step.
  void CloseNextBatch(std::shared_ptr<std::vector<TickedSession*>> sessions, size_t next,
                      size_t batch);

  uint32_t index_;
  net::io_context io_context_;
  net::executor_work_guard<net::io_context::executor_type> work_guard_;
  net::steady_timer tick_timer_;
  net::steady_timer drain_step_timer_;
  std::thread thread_;
  hubcore::RoutingObserver* routing_observer_ = nullptr;
  absl::flat_hash_map<std::string, hubcore::HubIndex> indexes_;
  absl::flat_hash_set<TickedSession*> sessions_;
  bool draining_ = false;
  // Set while stopping: called once when the last session is gone (or the deadline passed).
  absl::AnyInvocable<void()> on_drained_;
};

}  // namespace hubgate::gateway
