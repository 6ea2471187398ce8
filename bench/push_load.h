#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hubgate::bench {

// Drives the gateway's Push API (gRPC callback API) from `channels` sender threads, each with
// its own channel and at most `inflight` calls outstanding. gRPC stays in push_load.cc.
class PushLoad {
 public:
  struct CallStats {
    uint64_t ok = 0;
    uint64_t failed = 0;
    uint64_t queued_connections = 0;  // Send: sum of queued_connections
    uint64_t not_found = 0;           // AddToGroup: connection_found == false
    double seconds = 0;
    std::vector<uint32_t> latencies_us;  // per call
    std::string first_error;
  };

  struct SendOptions {
    uint64_t pushes = 0;
    double rate = 0;  // calls per second over all channels; 0: as fast as the window allows
    int inflight = 8;
    size_t payload_bytes = 100;  // length of the arguments_json text
    std::string method = "bench";
    // Group of push number k; empty: every push goes to the hub-wide audience (`all`).
    std::function<std::string(uint64_t)> group_of;
  };

  PushLoad(const std::string& address, std::string hub, int channels);
  ~PushLoad();

  // AddToGroup for every (connection id, group) pair.
  CallStats JoinGroups(const std::vector<std::pair<std::string, std::string>>& memberships,
                       int inflight);
  // Send to a group; the first argument is the send time (microseconds since the Unix epoch),
  // the second a padding string.
  CallStats Send(const SendOptions& options);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hubgate::bench
