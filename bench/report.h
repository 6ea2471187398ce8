#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "bench/proc_stats.h"

namespace hubgate::bench {

// Everything one run measured; -1 marks figures that were not taken (no --gateway_pid).
struct Result {
  std::string scenario;
  std::string target = "hubgate";  // or "nchan"; the gateway_* figures are then nginx-nchan's
  std::string label;
  std::string protocol = "json";
  int64_t connections = 0;
  int64_t groups = 0;
  int64_t pushes = 0;
  double rate = 0;
  int64_t payload_bytes = 0;
  int64_t hold_seconds = 0;
  int threads = 0;
  int channels = 0;
  int inflight = 0;
  int64_t gateway_pid = 0;
  int64_t fd_limit = 0;
  int64_t gateway_fd_limit = -1;

  uint64_t connected = 0;
  int64_t connect_failures = 0;
  double connect_seconds = 0;
  int64_t gateway_connections = -1;  // open fds of the gateway above the baseline
  int64_t gateway_rss_kb_before = -1;
  int64_t gateway_rss_kb_connected = -1;
  int64_t gateway_rss_kb_end = -1;

  uint64_t joins = 0;
  uint64_t join_failures = 0;
  double join_seconds = 0;

  uint64_t push_ok = 0;
  uint64_t push_failed = 0;
  double push_seconds = 0;
  LatencySummary push_call_latency;
  uint64_t expected_deliveries = 0;
  uint64_t deliveries = 0;
  double phase_seconds = 0;  // pushes: first call to last delivery; invoke: all round trips
  LatencySummary latency;
  int64_t gateway_cpu_us = -1;  // with several replicas: all of them together
  int replicas = 1;              // gateways the connections were spread over (--http list)
  std::string audience = "group";  // or "all": the hub-wide audience
  int64_t redis_cpu_us = -1;     // redis-server's CPU over the push phase (--redis_pid)
  int64_t redis_idle_cpu_us_per_s = -1;  // its CPU over 1 s before the pushes

  uint64_t invokes = 0;
  uint64_t invoke_errors = 0;
  LatencySummary invoke_latency;

  uint64_t closed = 0;
  uint64_t close_messages = 0;
  uint64_t server_pings = 0;
  uint64_t malformed_messages = 0;  // WebSocket messages the bench could not read
  double wall_seconds = 0;
  int64_t bench_cpu_us = 0;
  int64_t bench_cpu_phase_us = 0;
  std::vector<std::string> errors;

  bool ok() const;
};

void PrintTable(const Result& result, std::ostream& out);
// One line of JSON.
std::string ToJson(const Result& result);

}  // namespace hubgate::bench
