#include "gateway/runtime/worker_pool.h"

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

void WorkerPool::Drain(std::chrono::milliseconds window, std::chrono::milliseconds deadline) {
  // Workers close their sessions in parallel.
  std::vector<std::thread> drainers;
  for (auto& worker : workers_) {
    drainers.emplace_back([&worker, window, deadline] { worker->Drain(window, deadline); });
  }
  for (auto& drainer : drainers) {
    drainer.join();
  }
}

void WorkerPool::Stop() {
  for (auto& worker : workers_) {
    worker->Stop();
  }
}

Worker& WorkerPool::Next() {
  return *workers_[next_.fetch_add(1, std::memory_order_relaxed) % workers_.size()];
}

}  // namespace hubgate::gateway
