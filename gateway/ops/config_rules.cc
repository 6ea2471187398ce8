#include "gateway/ops/config_rules.h"

#include "absl/strings/match.h"
#include "gateway/ops/listen_address.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::gateway::config_rules {

bool IsLogLevel(std::string_view level) {
  return level == "trace" || level == "debug" || level == "info" || level == "warn" ||
         level == "error";
}

bool IsLogFormat(std::string_view format) { return format == "text" || format == "json"; }

bool IsHttpUrl(std::string_view url) {
  return (absl::StartsWithIgnoreCase(AsAbsl(url), "http://") && url.size() > 7) ||
         (absl::StartsWithIgnoreCase(AsAbsl(url), "https://") && url.size() > 8);
}

absl::Status CheckBindAddress(std::string_view listen) {
  return ParseListenAddress(listen).status();
}

absl::Status CheckGrpcAddress(std::string_view listen) {
  return SplitListenAddress(listen).status();
}

}  // namespace hubgate::gateway::config_rules
