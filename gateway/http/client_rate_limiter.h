#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "hubcore/token_bucket.h"

namespace hubgate::gateway {

// Connection attempts (negotiate, WebSocket connect) per client address: a token bucket per
// address, in shards with their own locks. Addresses whose bucket is full again are forgotten
// when a shard reaches its size bound, so memory stays bounded whatever the number of
// addresses; an address that finds its shard full of active ones is let through (counted by
// the caller's metric as not limited). Thread-safe.
class ClientRateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  static constexpr size_t kShards = 16;
  static constexpr size_t kAddressesPerShard = 4096;

  // rate 0: no limit.
  ClientRateLimiter(double rate_per_second, double burst);

  // False when `address` has used its attempts.
  bool Allow(const std::string& address, TimePoint now);

  size_t tracked_addresses();

 private:
  struct Shard {
    absl::Mutex mutex;
    absl::flat_hash_map<std::string, hubcore::TokenBucket> buckets ABSL_GUARDED_BY(mutex);
  };

  const double rate_;
  const double burst_;
  std::array<Shard, kShards> shards_;
};

}  // namespace hubgate::gateway
