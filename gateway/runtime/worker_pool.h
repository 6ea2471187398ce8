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
  explicit WorkerPool(uint32_t count);

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
