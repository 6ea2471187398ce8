#include "bench/report.h"

#include <algorithm>
#include <boost/json.hpp>

#include "absl/strings/str_format.h"

namespace hubgate::bench {
namespace {

namespace json = boost::json;

double PerSecond(double count, double seconds) { return seconds > 0 ? count / seconds : 0; }

// Gateway RSS growth per connection, in bytes (-1 without figures).
double RssPerConnection(const Result& r) {
  const int64_t held = r.gateway_connections > 0 ? r.gateway_connections
                                                 : static_cast<int64_t>(r.connected);
  if (r.gateway_rss_kb_before < 0 || r.gateway_rss_kb_connected < 0 || held <= 0) {
    return -1;
  }
  return static_cast<double>(r.gateway_rss_kb_connected - r.gateway_rss_kb_before) * 1024.0 /
         static_cast<double>(held);
}

double GatewayCpuPer(const Result& r, uint64_t count) {
  return r.gateway_cpu_us >= 0 && count > 0
             ? static_cast<double>(r.gateway_cpu_us) / static_cast<double>(count)
             : -1;
}

double RedisCpuPerPush(const Result& r) {
  return r.redis_cpu_us >= 0 && r.push_ok > 0
             ? static_cast<double>(r.redis_cpu_us) / static_cast<double>(r.push_ok)
             : -1;
}

// The same without Redis's idle CPU over the phase (what the pushes themselves cost it).
double RedisCpuPerPushOverIdle(const Result& r) {
  if (r.redis_cpu_us < 0 || r.redis_idle_cpu_us_per_s < 0 || r.push_ok == 0) {
    return -1;
  }
  const double idle = static_cast<double>(r.redis_idle_cpu_us_per_s) * r.phase_seconds;
  return std::max(0.0, static_cast<double>(r.redis_cpu_us) - idle) /
         static_cast<double>(r.push_ok);
}

json::object Latency(const LatencySummary& s) {
  return {{"count", s.count}, {"mean", s.mean_us}, {"p50", s.p50_us}, {"p99", s.p99_us},
          {"max", s.max_us}};
}

std::string Us(const LatencySummary& s) {
  return s.count == 0 ? "-"
                      : absl::StrFormat("p50 %d us, p99 %d us, max %d us (n=%d)", s.p50_us,
                                        s.p99_us, s.max_us, s.count);
}

}  // namespace

bool Result::ok() const {
  const bool pushes_ok = push_failed == 0 && deliveries >= expected_deliveries;
  const bool invokes_ok = scenario != "invoke" ||
                          (invokes >= static_cast<uint64_t>(pushes) && invoke_errors == 0);
  return connect_failures == 0 && join_failures == 0 && pushes_ok && invokes_ok && closed == 0 &&
         malformed_messages == 0;
}

void PrintTable(const Result& r, std::ostream& out) {
  auto row = [&](const std::string& name, const std::string& value) {
    out << absl::StrFormat("  %-34s %s\n", name, value);
  };
  out << absl::StrFormat("hubgate-bench %s%s, %s%s\n", r.scenario,
                         r.label.empty() ? "" : " (" + r.label + ")",
                         r.target == "nchan" ? "nginx-nchan (raw WebSocket)" : r.protocol,
                         r.replicas > 1 ? absl::StrFormat(", %d replicas", r.replicas) : "");
  row("connections", absl::StrFormat("%d of %d (%d failed)", r.connected, r.connections,
                                     r.connect_failures));
  row("connects/s", absl::StrFormat("%.0f (%.2f s)", PerSecond(r.connected, r.connect_seconds),
                                    r.connect_seconds));
  if (r.gateway_rss_kb_before >= 0) {
    row("gateway RSS before/connected/end",
        absl::StrFormat("%d / %d / %d KiB", r.gateway_rss_kb_before, r.gateway_rss_kb_connected,
                        r.gateway_rss_kb_end));
    row("gateway RSS per connection",
        absl::StrFormat("%.0f bytes (over %d connections)", RssPerConnection(r),
                        r.gateway_connections > 0 ? r.gateway_connections
                                                  : static_cast<int64_t>(r.connected)));
  }
  if (r.groups > 0) {
    row("group joins", absl::StrFormat("%d in %.2f s (%d failed)", r.joins, r.join_seconds,
                                       r.join_failures));
  }
  if (r.push_ok + r.push_failed > 0) {
    row("push calls", absl::StrFormat("%d ok, %d failed", r.push_ok, r.push_failed));
    row("push calls/s", absl::StrFormat("%.0f", PerSecond(r.push_ok, r.push_seconds)));
    row("push call latency", Us(r.push_call_latency));
    row("deliveries", absl::StrFormat("%d of %d expected", r.deliveries, r.expected_deliveries));
    row("deliveries/s", absl::StrFormat("%.0f (%.2f s)", PerSecond(r.deliveries, r.phase_seconds),
                                        r.phase_seconds));
    row("push-to-receive latency", Us(r.latency));
    if (r.gateway_cpu_us >= 0) {
      row("gateway CPU per delivery", absl::StrFormat("%.2f us (%d us total)",
                                                      GatewayCpuPer(r, r.deliveries),
                                                      r.gateway_cpu_us));
      row("gateway CPU per push call",
          absl::StrFormat("%.2f us", GatewayCpuPer(r, r.push_ok)));
    }
    if (r.redis_cpu_us >= 0) {
      row("Redis CPU per push call", absl::StrFormat("%.2f us (%d us total)",
                                                     RedisCpuPerPush(r), r.redis_cpu_us));
      row("Redis CPU per push over idle",
          absl::StrFormat("%.2f us (idle: %d us/s)", RedisCpuPerPushOverIdle(r),
                          r.redis_idle_cpu_us_per_s));
    }
  }
  if (r.scenario == "invoke") {
    row("invokes", absl::StrFormat("%d (%d errors)", r.invokes, r.invoke_errors));
    row("invokes/s", absl::StrFormat("%.0f", PerSecond(r.invokes, r.phase_seconds)));
    row("invoke round trip", Us(r.invoke_latency));
    if (r.gateway_cpu_us >= 0) {
      row("gateway CPU per invoke", absl::StrFormat("%.2f us", GatewayCpuPer(r, r.invokes)));
    }
  }
  row("closed by the gateway", absl::StrFormat("%d (Close messages: %d)", r.closed,
                                               r.close_messages));
  if (r.malformed_messages > 0) {
    row("malformed messages", absl::StrFormat("%d", r.malformed_messages));
  }
  row("bench CPU (whole run)",
      absl::StrFormat("%.2f s over %.2f s wall = %.0f%% of one core", r.bench_cpu_us / 1e6,
                      r.wall_seconds, 100.0 * r.bench_cpu_us / 1e6 / r.wall_seconds));
  if (r.phase_seconds > 0) {
    row("bench CPU (push/invoke phase)",
        absl::StrFormat("%.0f%% of one core", 100.0 * r.bench_cpu_phase_us / 1e6 / r.phase_seconds));
  }
  for (const std::string& error : r.errors) {
    row("error", error);
  }
  row("result", r.ok() ? "OK" : "FAILED");
}

std::string ToJson(const Result& r) {
  json::array errors;
  for (const std::string& error : r.errors) {
    errors.emplace_back(json::string(error));
  }
  json::object o{
      {"scenario", r.scenario},
      {"target", r.target},
      {"label", r.label},
      {"protocol", r.protocol},
      {"ok", r.ok()},
      {"connections", r.connections},
      {"groups", r.groups},
      {"pushes", r.pushes},
      {"rate", r.rate},
      {"payload_bytes", r.payload_bytes},
      {"hold_seconds", r.hold_seconds},
      {"threads", r.threads},
      {"channels", r.channels},
      {"inflight", r.inflight},
      {"bench_fd_limit", r.fd_limit},
      {"gateway_fd_limit", r.gateway_fd_limit},
      {"connected", r.connected},
      {"connect_failures", r.connect_failures},
      {"connect_seconds", r.connect_seconds},
      {"connects_per_s", PerSecond(r.connected, r.connect_seconds)},
      {"gateway_connections", r.gateway_connections},
      {"gateway_rss_kb_before", r.gateway_rss_kb_before},
      {"gateway_rss_kb_connected", r.gateway_rss_kb_connected},
      {"gateway_rss_kb_end", r.gateway_rss_kb_end},
      {"gateway_rss_bytes_per_connection", RssPerConnection(r)},
      {"joins", r.joins},
      {"join_failures", r.join_failures},
      {"join_seconds", r.join_seconds},
      {"push_ok", r.push_ok},
      {"push_failed", r.push_failed},
      {"push_seconds", r.push_seconds},
      {"push_calls_per_s", PerSecond(r.push_ok, r.push_seconds)},
      {"push_call_latency_us", Latency(r.push_call_latency)},
      {"expected_deliveries", r.expected_deliveries},
      {"deliveries", r.deliveries},
      {"missing_deliveries",
       r.expected_deliveries > r.deliveries ? r.expected_deliveries - r.deliveries : 0},
      {"phase_seconds", r.phase_seconds},
      {"deliveries_per_s", PerSecond(r.deliveries, r.phase_seconds)},
      {"latency_us", Latency(r.latency)},
      {"gateway_cpu_us", r.gateway_cpu_us},
      {"gateway_cpu_us_per_delivery", GatewayCpuPer(r, r.deliveries)},
      {"gateway_cpu_us_per_push_call", GatewayCpuPer(r, r.push_ok)},
      {"replicas", r.replicas},
      {"audience", r.audience},
      {"redis_cpu_us", r.redis_cpu_us},
      {"redis_cpu_us_per_push", RedisCpuPerPush(r)},
      {"redis_idle_cpu_us_per_s", r.redis_idle_cpu_us_per_s},
      {"redis_cpu_us_per_push_over_idle", RedisCpuPerPushOverIdle(r)},
      {"invokes", r.invokes},
      {"invoke_errors", r.invoke_errors},
      {"invokes_per_s", r.scenario == "invoke" ? PerSecond(r.invokes, r.phase_seconds) : 0.0},
      {"invoke_latency_us", Latency(r.invoke_latency)},
      {"gateway_cpu_us_per_invoke", GatewayCpuPer(r, r.invokes)},
      {"closed", r.closed},
      {"close_messages", r.close_messages},
      {"malformed_messages", r.malformed_messages},
      {"server_pings", r.server_pings},
      {"wall_seconds", r.wall_seconds},
      {"bench_cpu_seconds", r.bench_cpu_us / 1e6},
      {"bench_cpu_percent", r.wall_seconds > 0 ? 100.0 * r.bench_cpu_us / 1e6 / r.wall_seconds : 0},
      {"bench_cpu_phase_percent",
       r.phase_seconds > 0 ? 100.0 * r.bench_cpu_phase_us / 1e6 / r.phase_seconds : 0.0},
      {"errors", std::move(errors)},
  };
  return json::serialize(o);
}

}  // namespace hubgate::bench
