#include "gateway/worker_pool.h"

#include <algorithm>
#include <thread>

namespace hubgate::gateway {

WorkerPool::WorkerPool(uint32_t count) {
  if (count == 0) {
    count = std::max(1u, std::thread::hardware_concurrency());
  }
  for (uint32_t i = 0; i < count; ++i) {
    workers_.push_back(std::make_unique<Worker>(i));
  }
}

void WorkerPool::Start() {
  for (auto& worker : workers_) {
    worker->Start();
  }
}

void WorkerPool::Stop(std::chrono::milliseconds deadline) {
  // Workers close their sessions in parallel: ask all first, then wait for each.
  std::vector<std::thread> stoppers;
  for (auto& worker : workers_) {
    stoppers.emplace_back([&worker, deadline] { worker->Stop(deadline); });
  }
  for (auto& stopper : stoppers) {
    stopper.join();
  }
}

Worker& WorkerPool::Next() {
  return *workers_[next_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
}

}  // namespace hubgate::gateway
