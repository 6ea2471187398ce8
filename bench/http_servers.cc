#include "bench/http_servers.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace hubgate::bench {

std::optional<HttpServers> ParseHttpServers(const std::string& text) {
  HttpServers servers;
  for (absl::string_view address : absl::StrSplit(text, ',')) {
    std::vector<std::string> parts = absl::StrSplit(address, ':');
    int port = 0;
    if (parts.size() != 2 || parts[0].empty() || !absl::SimpleAtoi(parts[1], &port) ||
        port <= 0 || port > 65535 || (!servers.host.empty() && parts[0] != servers.host)) {
      return std::nullopt;
    }
    servers.host = parts[0];
    servers.ports.push_back(static_cast<uint16_t>(port));
  }
  return servers;
}

std::optional<std::vector<pid_t>> ParsePids(const std::string& text) {
  std::vector<pid_t> pids;
  for (absl::string_view entry : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int pid = 0;
    if (!absl::SimpleAtoi(entry, &pid) || pid <= 0) {
      return std::nullopt;
    }
    pids.push_back(pid);
  }
  return pids;
}

}  // namespace hubgate::bench
