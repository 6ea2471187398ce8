// hubgate-bench: a load generator for the gateway (SignalR JSON or MessagePack over WebSockets +
// the Push API).
//
//   hubgate-bench --scenario=fanout --http=127.0.0.1:8080 --grpc=127.0.0.1:50051
//                 --gateway_pid=<pid of hubgate>
//
//   hubgate-bench --target=nchan --nchan_url=http://127.0.0.1:8081 --gateway_pid=<nginx worker>
//
// Scenarios: fanout (N connections in few groups, pushes to the groups), targeted (one group
// per connection), density (idle connections held with pings; gateway RSS per connection),
// push_api (unary Send calls per second), invoke (hub method round trips through a backend).
// Scale-out: --http takes several replicas' addresses (the connections are spread over them),
// --replica_pids and --redis_pid add the other replicas' and Redis's CPU to the figures, and
// --audience=all pushes to the hub-wide audience instead of groups.
// --target=nchan drives nginx-nchan the same way for all but invoke: raw WebSocket subscribers
// on /sub/<channel> (groups are channels, joined by connecting), HTTP POSTs on /pub/<channel>.
// Prints a table and one line "RESULT {json}". Exit code 0 when every connection was made,
// every call succeeded and every expected message arrived; 1 otherwise; 2 on usage errors.
// See docs/performance.md.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/client_pool.h"
#include "bench/http_servers.h"
#include "bench/messagepack_codec.h"
#include "bench/nchan_publish_load.h"
#include "bench/proc_stats.h"
#include "bench/push_load.h"
#include "bench/report.h"
#include "bench/source_addresses.h"

ABSL_FLAG(std::string, scenario, "fanout", "fanout | targeted | density | push_api | invoke");
ABSL_FLAG(std::string, target, "hubgate",
          "hubgate | nchan (nginx-nchan at --nchan_url; --gateway_pid: its worker process)");
ABSL_FLAG(std::string, nchan_url, "http://127.0.0.1:8081",
          "--target=nchan: nginx-nchan base URL (subscribers /sub/<channel>, publishes "
          "/pub/<channel>)");
ABSL_FLAG(int64_t, connections, -1, "WebSocket connections of this process (-1: scenario default)");
ABSL_FLAG(int64_t, groups, -1,
          "Groups; connection i joins bench-<i % groups>, push k goes to bench-<k % groups> "
          "(-1: scenario default, 0: no groups)");
ABSL_FLAG(int64_t, pushes, -1, "Push API Send calls; invoke: hub method calls (-1: default)");
ABSL_FLAG(double, rate, 0, "Pushes (or invokes) per second over all channels; 0: as fast as possible");
ABSL_FLAG(int64_t, payload_bytes, 100, "Length of each push's arguments JSON text");
ABSL_FLAG(int64_t, hold_seconds, -1, "Hold the connections (pinging) this long at the end");
ABSL_FLAG(int, threads, 2, "Client threads, each with its own io_context");
ABSL_FLAG(int64_t, gateway_pid, 0,
          "Gateway (--target=nchan: nginx worker) process id for RSS and CPU figures (0: none)");
ABSL_FLAG(std::string, http, "127.0.0.1:8080",
          "Gateway HTTP/WebSocket address host:port; several replicas: a comma list of ports on "
          "one host (host:port,host:port), connection n goes to the (n % count)-th");
ABSL_FLAG(std::string, grpc, "127.0.0.1:50051", "Gateway Push API address host:port");
ABSL_FLAG(std::string, hub, "posts", "Hub name (Push API) ");
ABSL_FLAG(std::string, hub_path, "", "Hub URL path (default /hubs/<hub>)");
ABSL_FLAG(std::string, source_addresses, "127.0.0.2-127.0.0.9",
          "Local addresses to bind before connect: a range a.b.c.d-a.b.c.e or a comma list; "
          "empty: let the kernel choose");
ABSL_FLAG(std::string, protocol, "json", "Hub protocol: json | messagepack");
ABSL_FLAG(int, channels, -1, "gRPC channels (sender threads) for pushes (-1: scenario default)");
ABSL_FLAG(int, inflight, -1, "Outstanding gRPC calls per channel (-1: scenario default)");
ABSL_FLAG(int, connect_window, 64, "Connects in flight per client thread");
ABSL_FLAG(std::string, negotiate, "auto",
          "yes: POST negotiate first (needed for connection ids); no: skipNegotiation; "
          "auto: yes when groups are used");
ABSL_FLAG(std::string, invoke_method, "SendComment", "invoke: the hub method");
ABSL_FLAG(std::string, invoke_args, "[1,\"bench\"]", "invoke: its arguments, a JSON array");
ABSL_FLAG(int64_t, total_connections, 0,
          "density over several processes: the connections of all of them; the process with "
          "--gateway_pid waits until the gateway holds them before reading its RSS");
ABSL_FLAG(int64_t, gateway_rss_baseline_kb, 0, "Gateway VmRSS before any connection (0: read at start)");
ABSL_FLAG(int64_t, gateway_fds_baseline, 0, "Gateway open fds before any connection (0: read at start)");
ABSL_FLAG(int64_t, ping_interval_seconds, 15, "Client ping interval");
ABSL_FLAG(int64_t, timeout_seconds, 300, "Limit of each phase (connect, joins, drain)");
ABSL_FLAG(std::string, label, "", "Free text copied into the result (e.g. pinned)");
ABSL_FLAG(std::string, replica_pids, "",
          "Other gateway replicas' process ids (comma list): their CPU adds to --gateway_pid's");
ABSL_FLAG(int64_t, redis_pid, 0,
          "redis-server process id for its CPU per push (schedstat: µs precision; 0: none)");
ABSL_FLAG(std::string, audience, "group",
          "Push audience: group (push k to bench-<k % groups>) | all (the hub-wide audience)");

namespace hubgate::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Polls `done` every 2 ms until it holds or `timeout` passes; returns whether it held.
bool WaitFor(const std::function<bool()>& done, std::chrono::seconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

struct Defaults {
  int64_t connections, groups, pushes, hold_seconds;
  int channels, inflight;
};

std::optional<Defaults> ScenarioDefaults(const std::string& scenario) {
  if (scenario == "fanout") return Defaults{10000, 1, 200, 0, 1, 4};
  if (scenario == "targeted") return Defaults{1000, 1000, 10000, 0, 2, 32};
  if (scenario == "density") return Defaults{1000, 0, 0, 60, 1, 1};
  if (scenario == "push_api") return Defaults{100, 100, 100000, 0, 4, 64};
  if (scenario == "invoke") return Defaults{100, 0, 20000, 0, 1, 1};
  return std::nullopt;
}

int64_t Pick(int64_t flag, int64_t fallback) { return flag >= 0 ? flag : fallback; }

int UsageError(const std::string& message) {
  std::cerr << "error: " << message << "\n";
  return 2;
}

std::string GroupName(uint64_t index) { return absl::StrCat("bench-", index); }
// nchan's locations take \w+ channel ids (bench/nchan_config.sh).
std::string ChannelName(uint64_t index) { return absl::StrCat("bench_", index); }

int Run() {
  const std::string scenario = absl::GetFlag(FLAGS_scenario);
  const std::optional<Defaults> defaults = ScenarioDefaults(scenario);
  if (!defaults) {
    return UsageError("--scenario must be fanout, targeted, density, push_api or invoke");
  }
  const std::string protocol = absl::GetFlag(FLAGS_protocol);
  if (protocol != "json" && protocol != "messagepack") {
    return UsageError("--protocol must be json or messagepack");
  }
  const std::string target = absl::GetFlag(FLAGS_target);
  if (target != "hubgate" && target != "nchan") {
    return UsageError("--target must be hubgate or nchan");
  }
  const bool nchan = target == "nchan";
  const std::optional<NchanAddress> nchan_address =
      nchan ? ParseNchanUrl(absl::GetFlag(FLAGS_nchan_url)) : std::nullopt;
  if (nchan && !nchan_address) {
    return UsageError("--nchan_url must be http://<IP address>:<port>");
  }
  if (nchan && scenario == "invoke") {
    return UsageError("--target=nchan has no hub methods: invoke is hubgate only");
  }
  std::string invoke_arguments_messagepack;
  if (std::string error; protocol == "messagepack" &&
                         !JsonArgumentsToMessagePack(absl::GetFlag(FLAGS_invoke_args),
                                                     &invoke_arguments_messagepack, &error)) {
    return UsageError("--invoke_args: " + error);
  }
  const std::optional<HttpServers> http = ParseHttpServers(absl::GetFlag(FLAGS_http));
  if (!http) {
    return UsageError("--http must be host:port or a comma list of them on one host");
  }
  const std::optional<std::vector<pid_t>> replica_pids =
      ParsePids(absl::GetFlag(FLAGS_replica_pids));
  if (!replica_pids) {
    return UsageError("--replica_pids must be a comma list of process ids");
  }
  const std::string audience = absl::GetFlag(FLAGS_audience);
  if (audience != "group" && audience != "all") {
    return UsageError("--audience must be group or all");
  }
  if (nchan && (audience == "all" || http->ports.size() > 1)) {
    return UsageError("--target=nchan takes one address and --audience=group");
  }
  auto sources = ParseSources(absl::GetFlag(FLAGS_source_addresses));
  if (!sources) {
    return UsageError("--source_addresses: expected a.b.c.d-a.b.c.e or a comma list");
  }

  Result r;
  r.scenario = scenario;
  r.target = target;
  r.label = absl::GetFlag(FLAGS_label);
  r.protocol = nchan ? "raw" : protocol;  // nchan subscribers get the published body as is
  r.connections = Pick(absl::GetFlag(FLAGS_connections), defaults->connections);
  r.groups = Pick(absl::GetFlag(FLAGS_groups), defaults->groups);
  r.pushes = Pick(absl::GetFlag(FLAGS_pushes), defaults->pushes);
  r.rate = absl::GetFlag(FLAGS_rate);
  r.payload_bytes = absl::GetFlag(FLAGS_payload_bytes);
  r.hold_seconds = Pick(absl::GetFlag(FLAGS_hold_seconds), defaults->hold_seconds);
  r.threads = absl::GetFlag(FLAGS_threads);
  r.channels = absl::GetFlag(FLAGS_channels) > 0 ? absl::GetFlag(FLAGS_channels) : defaults->channels;
  r.inflight = absl::GetFlag(FLAGS_inflight) > 0 ? absl::GetFlag(FLAGS_inflight) : defaults->inflight;
  r.gateway_pid = absl::GetFlag(FLAGS_gateway_pid);
  r.replicas = static_cast<int>(http->ports.size());
  r.audience = audience;
  r.fd_limit = RaiseFdLimit();
  const bool invoke = scenario == "invoke";
  const bool to_all = audience == "all";
  const bool pushes = !invoke && r.pushes > 0 && (r.groups > 0 || to_all);
  // nchan subscribers join their channel by connecting; with no groups (density) all share one.
  const uint64_t nchan_channels = static_cast<uint64_t>(std::max<int64_t>(1, r.groups));
  const std::string negotiate = absl::GetFlag(FLAGS_negotiate);
  const bool use_negotiate = negotiate == "yes" || (negotiate == "auto" && r.groups > 0);
  const pid_t gateway = static_cast<pid_t>(r.gateway_pid);
  const std::chrono::seconds timeout(absl::GetFlag(FLAGS_timeout_seconds));

  const Clock::time_point run_start = Clock::now();
  const int64_t bench_cpu_start = SelfCpuMicros();
  if (gateway > 0) {
    r.gateway_rss_kb_before = absl::GetFlag(FLAGS_gateway_rss_baseline_kb) > 0
                                  ? absl::GetFlag(FLAGS_gateway_rss_baseline_kb)
                                  : ReadRssKb(gateway);
    r.gateway_fd_limit = ReadSoftFdLimit(gateway);
  }
  const int64_t fds_baseline = absl::GetFlag(FLAGS_gateway_fds_baseline) > 0
                                   ? absl::GetFlag(FLAGS_gateway_fds_baseline)
                                   : (gateway > 0 ? CountOpenFds(gateway) : 0);

  ClientPool::Options options;
  options.host = http->host;
  options.ports = http->ports;
  options.hub_path = absl::GetFlag(FLAGS_hub_path).empty()
                         ? "/hubs/" + absl::GetFlag(FLAGS_hub)
                         : absl::GetFlag(FLAGS_hub_path);
  options.source_addresses = *sources;
  options.threads = r.threads;
  options.negotiate = use_negotiate;
  options.connect_window = absl::GetFlag(FLAGS_connect_window);
  options.ping_interval = std::chrono::seconds(absl::GetFlag(FLAGS_ping_interval_seconds));
  options.invoke_target = absl::GetFlag(FLAGS_invoke_method);
  options.invoke_arguments = absl::GetFlag(FLAGS_invoke_args);
  options.messagepack = protocol == "messagepack";
  options.invoke_arguments_messagepack = std::move(invoke_arguments_messagepack);
  if (nchan) {
    options.host = nchan_address->host;
    options.ports = {nchan_address->port};
    options.raw_target_of = [nchan_channels](uint64_t n) {
      return "/sub/" + ChannelName(n % nchan_channels);
    };
  }
  ClientPool pool(options);

  // Phase 1: connect.
  std::cerr << "connecting " << r.connections << " ...\n";
  Clock::time_point phase = Clock::now();
  pool.Connect(static_cast<uint64_t>(r.connections));
  WaitFor([&] {
    const auto c = pool.counters();
    return c.connected + c.connect_failed >= static_cast<uint64_t>(r.connections);
  }, timeout);
  r.connect_seconds = Since(phase);
  r.connected = pool.counters().connected;
  r.connect_failures = r.connections - r.connected;
  if (gateway > 0) {
    const int64_t expected = absl::GetFlag(FLAGS_total_connections) > 0
                                 ? absl::GetFlag(FLAGS_total_connections)
                                 : r.connected;
    // Other bench processes may still be connecting; their connections count too.
    if (absl::GetFlag(FLAGS_total_connections) > 0) {
      std::cerr << "waiting for the gateway to hold " << expected << " connections ...\n";
      WaitFor([&] { return CountOpenFds(gateway) >= fds_baseline + expected; }, timeout);
      std::this_thread::sleep_for(std::chrono::seconds(1));  // let the last handshakes settle
    }
    r.gateway_connections = CountOpenFds(gateway) - fds_baseline;
    r.gateway_rss_kb_connected = ReadRssKb(gateway);
  }

  // Phase 2: group joins.
  std::optional<PushLoad> push;
  std::vector<uint64_t> group_sizes;  // members of bench-<g>, for the expected deliveries
  if (!nchan && (r.groups > 0 || pushes)) {
    push.emplace(absl::GetFlag(FLAGS_grpc), absl::GetFlag(FLAGS_hub), std::max(2, r.channels));
  }
  if (!nchan && r.groups > 0) {
    std::vector<std::string> ids = pool.ConnectionIds();
    std::vector<std::pair<std::string, std::string>> memberships;
    memberships.reserve(ids.size());
    group_sizes.assign(static_cast<size_t>(r.groups), 0);
    for (size_t i = 0; i < ids.size(); ++i) {
      memberships.emplace_back(std::move(ids[i]), GroupName(i % r.groups));
      ++group_sizes[i % r.groups];
    }
    std::cerr << "joining " << memberships.size() << " connections to " << r.groups
              << " group(s) ...\n";
    PushLoad::CallStats joins = push->JoinGroups(memberships, 64);
    r.joins = joins.ok;
    r.join_failures = joins.failed + joins.not_found;
    r.join_seconds = joins.seconds;
    if (!joins.first_error.empty()) {
      r.errors.push_back("AddToGroup: " + joins.first_error);
    }
  }

  // Phase 3: pushes or invokes, with the gateway's CPU over the phase.
  // Every gateway replica's CPU together, and Redis's: the cost of a delivery in the cluster.
  std::vector<pid_t> gateways = *replica_pids;
  gateways.push_back(gateway);
  auto gateway_cpu = [&] { return ReadCpuMicros(gateways); };
  const pid_t redis = static_cast<pid_t>(absl::GetFlag(FLAGS_redis_pid));
  if (redis > 0) {
    // Redis spends CPU with no push at all (its cron, the replicas' keep-alives): measured
    // first, so that the per-push figure can leave it out and compare runs of any length.
    const int64_t idle_start = ReadRunMicros(redis);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    r.redis_idle_cpu_us_per_s = ReadRunMicros(redis) - idle_start;
  }
  const int64_t gateway_cpu_start = gateway > 0 ? gateway_cpu() : 0;
  const int64_t redis_cpu_start = redis > 0 ? ReadRunMicros(redis) : 0;
  const int64_t bench_cpu_phase_start = SelfCpuMicros();
  phase = Clock::now();
  if (pushes) {
    std::cerr << "pushing " << r.pushes << " ...\n";
    PushLoad::SendOptions send;
    send.pushes = static_cast<uint64_t>(r.pushes);
    send.rate = r.rate;
    send.inflight = r.inflight;
    send.payload_bytes = static_cast<size_t>(r.payload_bytes);
    const uint64_t groups = static_cast<uint64_t>(r.groups);
    if (!to_all) {
      send.group_of = [groups, nchan](uint64_t k) {
        return nchan ? ChannelName(k % groups) : GroupName(k % groups);
      };
    }
    // nchan: as many keep-alive connections, one POST in flight each, as calls in flight here.
    PushLoad::CallStats sent =
        nchan ? NchanPublishLoad(*nchan_address, r.channels * r.inflight).Send(send)
              : push->Send(send);
    r.push_ok = sent.ok;
    r.push_failed = sent.failed;
    r.push_seconds = sent.seconds;
    r.push_call_latency = Summarize(sent.latencies_us);
    r.expected_deliveries = sent.queued_connections;
    if (r.replicas > 1) {
      // queued_connections counts only the replica that took the call: expect what the bench
      // set up instead (every connection for `all`, the group's members otherwise).
      r.expected_deliveries = 0;
      for (uint64_t k = 0; k < sent.ok; ++k) {
        r.expected_deliveries += to_all ? r.connected : group_sizes[k % group_sizes.size()];
      }
    }
    if (!sent.first_error.empty()) {
      r.errors.push_back("Send: " + sent.first_error);
    }
    WaitFor([&] { return pool.counters().deliveries >= r.expected_deliveries; }, timeout);
    r.phase_seconds = Since(phase);
  } else if (invoke) {
    std::cerr << "invoking " << options.invoke_target << " " << r.pushes << " times ...\n";
    pool.StartInvokes(static_cast<uint64_t>(r.pushes));
    WaitFor([&] {
      const auto c = pool.counters();
      return c.invokes_done >= static_cast<uint64_t>(r.pushes) || c.closed >= r.connected;
    }, timeout);
    r.phase_seconds = Since(phase);
  }
  if (gateway > 0 && (pushes || invoke)) {
    r.gateway_cpu_us = gateway_cpu() - gateway_cpu_start;
  }
  if (redis > 0 && (pushes || invoke)) {
    r.redis_cpu_us = ReadRunMicros(redis) - redis_cpu_start;
  }
  r.bench_cpu_phase_us = SelfCpuMicros() - bench_cpu_phase_start;

  // Phase 4: hold.
  if (r.hold_seconds > 0) {
    std::cerr << "holding " << r.connected << " connections for " << r.hold_seconds << " s ...\n";
    std::this_thread::sleep_for(std::chrono::seconds(r.hold_seconds));
  }
  if (gateway > 0) {
    r.gateway_rss_kb_end = ReadRssKb(gateway);
  }
  const ClientPool::Counters counters = pool.counters();
  if (const std::string error = pool.first_error(); !error.empty()) {
    r.errors.push_back(error);
  }
  pool.Stop();
  r.wall_seconds = Since(run_start);
  r.bench_cpu_us = SelfCpuMicros() - bench_cpu_start;
  r.deliveries = counters.deliveries;
  r.closed = counters.closed;
  r.close_messages = counters.close_messages;
  r.server_pings = counters.server_pings;
  r.invokes = counters.invokes_done;
  r.invoke_errors = counters.invoke_errors;
  r.malformed_messages = counters.malformed;
  std::vector<uint32_t> delivery_latencies = pool.TakeDeliveryLatencies();
  r.latency = Summarize(delivery_latencies);
  std::vector<uint32_t> invoke_latencies = pool.TakeInvokeLatencies();
  r.invoke_latency = Summarize(invoke_latencies);

  PrintTable(r, std::cout);
  std::cout << "RESULT " << ToJson(r) << std::endl;
  return r.ok() ? 0 : 1;
}

}  // namespace
}  // namespace hubgate::bench

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "hubgate-bench --scenario=fanout|targeted|density|push_api|invoke --http=HOST:PORT "
      "--grpc=HOST:PORT [--gateway_pid=PID] ...");
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    std::cerr << "error: unexpected argument " << rest[1] << "\n";
    return 2;
  }
  return hubgate::bench::Run();
}
