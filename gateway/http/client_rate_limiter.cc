#include "gateway/http/client_rate_limiter.h"

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"

namespace hubgate::gateway {

ClientRateLimiter::ClientRateLimiter(double rate_per_second, double burst)
    : rate_(rate_per_second), burst_(burst) {}

bool ClientRateLimiter::Allow(const std::string& address, TimePoint now) {
  if (rate_ <= 0 || address.empty()) {
    return true;
  }
  Shard& shard = shards_[absl::HashOf(address) % kShards];
  absl::MutexLock lock(&shard.mutex);
  auto it = shard.buckets.find(address);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= kAddressesPerShard) {
      absl::erase_if(shard.buckets, [now](auto& entry) { return entry.second.IsFull(now); });
      if (shard.buckets.size() >= kAddressesPerShard) {
        return true;  // bounded memory comes first; see the class comment
      }
    }
    it = shard.buckets.emplace(address, hubcore::TokenBucket(rate_, burst_, now)).first;
  }
  return it->second.TryTake(now);
}

size_t ClientRateLimiter::tracked_addresses() {
  size_t total = 0;
  for (Shard& shard : shards_) {
    absl::MutexLock lock(&shard.mutex);
    total += shard.buckets.size();
  }
  return total;
}

}  // namespace hubgate::gateway
