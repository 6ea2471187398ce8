#pragma once

#include <cstdint>
#include <string_view>

namespace hubgate::gateway {

inline constexpr uint16_t kRedisClusterSlots = 16384;

// The Redis Cluster hash slot of a key (or sharded channel): CRC16-XMODEM mod 16384 of the key,
// or of its hash tag, the part between the first '{' and the next '}' when that part is not
// empty, so that "{user1000}.following" and "{user1000}.followers" share a slot.
uint16_t RedisSlot(std::string_view key);

}  // namespace hubgate::gateway
