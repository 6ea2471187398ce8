#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "gateway/backplane/redis_node_address.h"
#include "gateway/backplane/redis_reply.h"

namespace hubgate::gateway {

// Which master serves each of the 16384 Redis Cluster slots: built from a CLUSTER SHARDS reply
// (Redis 7), or one node serving every slot for a single Redis. An immutable value; a refresh
// builds a new one.
class ClusterSlotMap {
 public:
  struct SlotRange {
    uint16_t first = 0;
    uint16_t last = 0;  // inclusive, as Redis writes ranges
    RedisNodeAddress master;
  };

  // An empty map: no slot is served.
  ClusterSlotMap() = default;

  static ClusterSlotMap SingleNode(const RedisNodeAddress& node);
  // InvalidArgument when a range is out of order or past the last slot.
  static absl::StatusOr<ClusterSlotMap> FromRanges(const std::vector<SlotRange>& ranges);
  // Each shard's slot ranges go to its master whose health is not "failed" (a shard without one
  // serves nothing). DataLoss naming the part that does not have CLUSTER SHARDS' shape.
  static absl::StatusOr<ClusterSlotMap> FromClusterShards(const RedisReply& reply);

  // The master serving slot, or nullptr when none does.
  const RedisNodeAddress* MasterForSlot(uint16_t slot) const;
  // Every master a range names, each once.
  const std::vector<RedisNodeAddress>& masters() const { return masters_; }
  bool empty() const { return masters_.empty(); }

 private:
  std::vector<RedisNodeAddress> masters_;
  std::vector<int16_t> owner_;  // per slot: index into masters_, or -1
};

}  // namespace hubgate::gateway
