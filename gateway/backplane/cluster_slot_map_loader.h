#pragma once

#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "gateway/backplane/cluster_slot_map.h"
#include "gateway/backplane/redis_connection.h"
#include "gateway/backplane/redis_node_address.h"

namespace hubgate::gateway {

// Asks the candidates in turn for CLUSTER SHARDS, each over a short-lived connection made with
// options (host and port replaced), until one answers with a map serving at least one slot.
// done gets that map, or Unavailable with the last candidate's failure. Runs on io_context's
// thread; done never runs inside the call.
void LoadClusterSlotMap(net::io_context& io_context, const RedisConnectionOptions& options,
                        std::vector<RedisNodeAddress> candidates,
                        absl::AnyInvocable<void(absl::StatusOr<ClusterSlotMap>)> done);

}  // namespace hubgate::gateway
