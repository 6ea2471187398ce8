#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "gateway/ops/metrics.h"

namespace hubgate::gateway {

// The warning log of one hub's failed backend calls (hub, call, method, status, latency). An
// outage fails every call, so the log is rate-limited: at most one line per `interval`; the
// failures in between are counted (hubgate_backend_failure_logs_suppressed_total) and the next
// line says how many there were. Thread-safe: backend callbacks run on gRPC's threads.
class BackendFailureLog {
 public:
  using Clock = std::chrono::steady_clock;

  BackendFailureLog(std::string hub, std::chrono::milliseconds interval, Metrics* metrics)
      : hub_(std::move(hub)), interval_(interval), metrics_(metrics) {}

  // `call`: connect, invoke, stream, upload. `method`: the described name ("" for connect and
  // for calls made while no description is known: a client's text never reaches the log).
  // Returns whether a line was written.
  bool Report(std::string_view call, std::string_view method, std::string_view status,
              Clock::duration latency, Clock::time_point now = Clock::now());

 private:
  const std::string hub_;
  const std::chrono::milliseconds interval_;
  Metrics* const metrics_;  // may be null (tests)

  absl::Mutex mutex_;
  bool logged_once_ ABSL_GUARDED_BY(mutex_) = false;
  Clock::time_point last_line_ ABSL_GUARDED_BY(mutex_);
  uint64_t suppressed_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace hubgate::gateway
