#include "gateway/runtime/worker_pool.h"

#include "gtest/gtest.h"
#include "hubcore/connection_id.h"

namespace hubgate::gateway {
namespace {

// Connection ids carry their worker in one byte: a pool larger than that would route a
// connection's single-connection operations to the wrong worker.
TEST(WorkerPoolSizeTest, OnePerHardwareThreadIsCappedAtWhatConnectionIdsCanAddress) {
  EXPECT_EQ(WorkerPool::CountFor(0, 512), hubcore::ConnectionId::kMaxWorkers);
  EXPECT_EQ(WorkerPool::CountFor(0, 300), hubcore::ConnectionId::kMaxWorkers);
  EXPECT_EQ(WorkerPool::CountFor(0, 8), 8u);
  EXPECT_EQ(WorkerPool::CountFor(0, 0), 1u);  // hardware_concurrency() may not know
  EXPECT_EQ(WorkerPool::CountFor(3, 512), 3u);
}

TEST(WorkerPoolSizeTest, EveryWorkerOfAFullPoolGetsIdsThatRouteBackToIt) {
  std::array<uint8_t, 16> random{};
  random.fill(0xAB);
  const uint32_t count = WorkerPool::CountFor(0, 1024);
  for (uint32_t worker = 0; worker < count; ++worker) {
    ASSERT_EQ(hubcore::ConnectionId::WorkerOf(hubcore::ConnectionId::Make(worker, random)),
              worker);
  }
}

}  // namespace
}  // namespace hubgate::gateway
