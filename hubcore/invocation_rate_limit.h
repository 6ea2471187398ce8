#pragma once

#include <optional>

#include "hubcore/hub_options.h"
#include "hubcore/token_bucket.h"

namespace hubgate::hubcore {

// A hub's max_invocations_per_second for one connection: a token bucket of invocation_burst
// calls (as many as the rate when unset), made on the first call, so that connections that never
// call a method carry nothing.
class InvocationRateLimit {
 public:
  explicit InvocationRateLimit(const HubOptions& options) : options_(options) {}

  // Whether a call starting at `now` is within the limit (always, without one).
  bool Allow(TokenBucket::TimePoint now) {
    if (options_.max_invocations_per_second <= 0) {
      return true;
    }
    if (!bucket_.has_value()) {
      const int burst = options_.invocation_burst > 0 ? options_.invocation_burst
                                                      : options_.max_invocations_per_second;
      bucket_.emplace(options_.max_invocations_per_second, burst, now);
    }
    return bucket_->TryTake(now);
  }

 private:
  const HubOptions& options_;
  std::optional<TokenBucket> bucket_;
};

}  // namespace hubgate::hubcore
