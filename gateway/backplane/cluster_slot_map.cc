#include "gateway/backplane/cluster_slot_map.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "gateway/backplane/redis_slot.h"

namespace hubgate::gateway {
namespace {

absl::Status Malformed(std::string_view what) {
  return absl::DataLossError(
      absl::StrCat("unexpected CLUSTER SHARDS reply: ", std::string(what)));
}

// CLUSTER SHARDS writes maps as flat [key, value, key, value, ...] arrays.
const RedisReply* Field(const RedisReply& map, std::string_view key) {
  if (!map.is_array()) {
    return nullptr;
  }
  const std::vector<RedisReply>& items = map.elements();
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    if (items[i].IsText(key)) {
      return &items[i + 1];
    }
  }
  return nullptr;
}

// The serving master among a shard's nodes, if any.
absl::StatusOr<std::optional<RedisNodeAddress>> ShardMaster(const RedisReply& nodes) {
  if (!nodes.is_array()) {
    return Malformed("\"nodes\" is not an array");
  }
  for (const RedisReply& node : nodes.elements()) {
    const RedisReply* role = Field(node, "role");
    const RedisReply* health = Field(node, "health");
    if (role == nullptr || !role->IsText("master") || (health && health->IsText("failed"))) {
      continue;
    }
    const RedisReply* port = Field(node, "port");
    if (port == nullptr) {
      port = Field(node, "tls-port");
    }
    const RedisReply* endpoint = Field(node, "endpoint");
    const RedisReply* ip = Field(node, "ip");
    // An endpoint of "?" or "" means "unknown; use the address you reached me on" (the spec);
    // the ip field is the best stand-in.
    const RedisReply* host =
        endpoint && !endpoint->str().empty() && endpoint->str() != "?" ? endpoint : ip;
    if (port == nullptr || port->type() != RedisReply::Type::kInteger || host == nullptr ||
        host->str().empty() || port->integer() <= 0 || port->integer() > 65535) {
      return Malformed(absl::StrCat("a master without a usable address: ", node.DebugString()));
    }
    return RedisNodeAddress{host->str(), static_cast<uint16_t>(port->integer())};
  }
  return std::nullopt;
}

}  // namespace

ClusterSlotMap ClusterSlotMap::SingleNode(const RedisNodeAddress& node) {
  ClusterSlotMap map;
  map.masters_.push_back(node);
  map.owner_.assign(kRedisClusterSlots, 0);
  return map;
}

absl::StatusOr<ClusterSlotMap> ClusterSlotMap::FromRanges(const std::vector<SlotRange>& ranges) {
  ClusterSlotMap map;
  map.owner_.assign(kRedisClusterSlots, -1);
  for (const SlotRange& range : ranges) {
    if (range.first > range.last || range.last >= kRedisClusterSlots) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad slot range ", range.first, "-", range.last));
    }
    auto known = std::find(map.masters_.begin(), map.masters_.end(), range.master);
    auto index = static_cast<int16_t>(known - map.masters_.begin());
    if (known == map.masters_.end()) {
      map.masters_.push_back(range.master);
    }
    std::fill(map.owner_.begin() + range.first, map.owner_.begin() + range.last + 1, index);
  }
  return map;
}

absl::StatusOr<ClusterSlotMap> ClusterSlotMap::FromClusterShards(const RedisReply& reply) {
  if (!reply.is_array()) {
    return Malformed(reply.DebugString());
  }
  std::vector<SlotRange> ranges;
  for (const RedisReply& shard : reply.elements()) {
    const RedisReply* slots = Field(shard, "slots");
    const RedisReply* nodes = Field(shard, "nodes");
    if (slots == nullptr || nodes == nullptr || !slots->is_array() ||
        slots->elements().size() % 2 != 0) {
      return Malformed(absl::StrCat("a shard without slots and nodes: ", shard.DebugString()));
    }
    absl::StatusOr<std::optional<RedisNodeAddress>> master = ShardMaster(*nodes);
    if (!master.ok()) {
      return master.status();
    }
    if (!master->has_value()) {
      continue;
    }
    const std::vector<RedisReply>& bounds = slots->elements();
    for (size_t i = 0; i < bounds.size(); i += 2) {
      const RedisReply& first = bounds[i];
      const RedisReply& last = bounds[i + 1];
      if (first.type() != RedisReply::Type::kInteger ||
          last.type() != RedisReply::Type::kInteger || first.integer() < 0 ||
          last.integer() >= kRedisClusterSlots || first.integer() > last.integer()) {
        return Malformed(absl::StrCat("bad slot range in ", slots->DebugString()));
      }
      ranges.push_back(SlotRange{static_cast<uint16_t>(first.integer()),
                                 static_cast<uint16_t>(last.integer()), **master});
    }
  }
  return FromRanges(ranges);
}

const RedisNodeAddress* ClusterSlotMap::MasterForSlot(uint16_t slot) const {
  if (slot >= owner_.size() || owner_[slot] < 0) {
    return nullptr;
  }
  return &masters_[static_cast<size_t>(owner_[slot])];
}

}  // namespace hubgate::gateway
