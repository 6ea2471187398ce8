#include "gateway/backplane/redis_redirection.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"

namespace hubgate::gateway {

std::optional<RedisRedirection> ParseRedisRedirection(const RedisReply& reply) {
  if (!reply.is_error()) {
    return std::nullopt;
  }
  std::vector<std::string> parts = absl::StrSplit(reply.str(), ' ', absl::SkipEmpty());
  if (parts.size() != 3 || (parts[0] != "MOVED" && parts[0] != "ASK")) {
    return std::nullopt;
  }
  absl::StatusOr<RedisNodeAddress> target = ParseRedisNodeAddress(parts[2]);
  if (!target.ok()) {
    return std::nullopt;
  }
  return RedisRedirection{parts[0] == "ASK", *std::move(target)};
}

}  // namespace hubgate::gateway
