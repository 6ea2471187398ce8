#pragma once

#include <optional>

#include "gateway/backplane/redis_node_address.h"
#include "gateway/backplane/redis_reply.h"

namespace hubgate::gateway {

// A Redis Cluster redirection: "-MOVED 3999 127.0.0.1:6381" (the slot lives there now; reload
// the map) or "-ASK 3999 127.0.0.1:6381" (ask there once, after ASKING; the map stays).
struct RedisRedirection {
  bool ask = false;
  RedisNodeAddress target;
};

// The redirection an error reply carries, or nullopt for any other reply.
std::optional<RedisRedirection> ParseRedisRedirection(const RedisReply& reply);

}  // namespace hubgate::gateway
