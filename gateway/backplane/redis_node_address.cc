#include "gateway/backplane/redis_node_address.h"

#include "absl/strings/str_cat.h"
#include "gateway/ops/listen_address.h"

namespace hubgate::gateway {

std::string RedisNodeAddress::ToString() const {
  if (host.find(':') != std::string::npos) {
    return absl::StrCat("[", host, "]:", port);
  }
  return absl::StrCat(host, ":", port);
}

absl::StatusOr<RedisNodeAddress> ParseRedisNodeAddress(std::string_view text) {
  absl::StatusOr<ListenAddress> split = SplitListenAddress(text);
  if (!split.ok()) {
    return split.status();
  }
  if (split->all_interfaces() || split->port == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("Redis address \"", std::string(text), "\" needs a host and a port"));
  }
  return RedisNodeAddress{split->host, split->port};
}

}  // namespace hubgate::gateway
