#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hubgate::bench {

// --http: "host:port", or several replicas' "host:port,host:port" on one host.
struct HttpServers {
  std::string host;
  std::vector<uint16_t> ports;
};

// nullopt when an entry is not host:port, a port is out of range or the hosts differ.
std::optional<HttpServers> ParseHttpServers(const std::string& text);

// --replica_pids: a comma list of process ids (empty text: none); nullopt when malformed.
std::optional<std::vector<pid_t>> ParsePids(const std::string& text);

}  // namespace hubgate::bench
