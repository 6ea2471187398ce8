#include "gateway/backplane/redis_slot.h"

#include <boost/crc.hpp>

namespace hubgate::gateway {
namespace {

// The cluster specification's "HASH_SLOT = CRC16(key) mod 16384" uses CRC16-XMODEM.
using Crc16Xmodem = boost::crc_optimal<16, 0x1021, 0, 0, false, false>;

std::string_view HashedPart(std::string_view key) {
  size_t open = key.find('{');
  if (open == std::string_view::npos) {
    return key;
  }
  size_t close = key.find('}', open + 1);
  if (close == std::string_view::npos || close == open + 1) {
    return key;
  }
  return key.substr(open + 1, close - open - 1);
}

}  // namespace

uint16_t RedisSlot(std::string_view key) {
  std::string_view hashed = HashedPart(key);
  Crc16Xmodem crc;
  crc.process_bytes(hashed.data(), hashed.size());
  return static_cast<uint16_t>(crc.checksum() % kRedisClusterSlots);
}

}  // namespace hubgate::gateway
