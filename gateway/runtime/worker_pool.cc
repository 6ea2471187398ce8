#include "gateway/runtime/worker_pool.h"

#include <algorithm>
#include <thread>

#include "hubcore/check.h"
#include "hubcore/connection_id.h"

namespace hubgate::gateway {

uint32_t WorkerPool::CountFor(uint32_t configured, uint32_t hardware_threads) {
  if (configured != 0) {
    return configured;
  }
  return std::clamp(hardware_threads, 1u, hubcore::ConnectionId::kMaxWorkers);
}

WorkerPool::WorkerPool(uint32_t count) {
  count = CountFor(count, std::thread::hardware_concurrency());
  // The configuration allows at most 256 workers (config_rules::kMaxWorkers).
  HUBGATE_CHECK(count <= hubcore::ConnectionId::kMaxWorkers,
                "connection ids can name every worker");
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
