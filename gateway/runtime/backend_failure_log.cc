#include "gateway/runtime/backend_failure_log.h"

#include "spdlog/spdlog.h"

namespace hubgate::gateway {

bool BackendFailureLog::Report(std::string_view call, std::string_view method,
                               std::string_view status, Clock::duration latency,
                               Clock::time_point now) {
  uint64_t suppressed = 0;
  {
    absl::MutexLock lock(&mutex_);
    if (logged_once_ && now - last_line_ < interval_) {
      ++suppressed_;
      if (metrics_ != nullptr) {
        metrics_->BackendFailureLogSuppressed(hub_);
      }
      return false;
    }
    logged_once_ = true;
    last_line_ = now;
    suppressed = suppressed_;
    suppressed_ = 0;
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(latency).count();
  if (suppressed == 0) {
    spdlog::warn("hub '{}': backend call failed: call={} method='{}' status={} latency_ms={}",
                 hub_, call, method, status, ms);
  } else {
    spdlog::warn(
        "hub '{}': backend call failed: call={} method='{}' status={} latency_ms={} "
        "(+{} more failed backend calls of this hub not logged since the last line)",
        hub_, call, method, status, ms, suppressed);
  }
  return true;
}

}  // namespace hubgate::gateway
