#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "gateway/runtime/worker.h"

namespace hubgate::gateway {

// The gateway's workers: N event-loop threads (default: one per hardware thread).
class WorkerPool {
 public:
  // count 0: one per hardware thread (see CountFor).
  explicit WorkerPool(uint32_t count);

  // The number of workers for a configured count: 0 means one per hardware thread, capped at
  // what connection ids can address (hubcore::ConnectionId::kMaxWorkers).
  static uint32_t CountFor(uint32_t configured, uint32_t hardware_threads);

  // Before Start: who hears of every worker's routing changes (may be null).
  void SetRoutingObserver(hubcore::RoutingObserver* observer) {
    for (auto& worker : workers_) worker->SetRoutingObserver(observer);
  }
  void Start();
  // Drains every worker in parallel (see Worker::Drain), then Stop() ends the loops.
  void Drain(std::chrono::milliseconds window, std::chrono::milliseconds deadline);
  void Stop();

  uint32_t size() const { return static_cast<uint32_t>(workers_.size()); }
  Worker& at(uint32_t index) { return *workers_[index]; }
  // Round-robin choice for a new connection.
  Worker& Next();

 private:
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<uint32_t> next_{0};
};

}  // namespace hubgate::gateway
