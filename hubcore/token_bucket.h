#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace hubgate::hubcore {

// A token bucket: `rate` tokens a second up to `burst`, one taken per allowed event. Time is
// passed in, so that it is tested without clocks. Not thread-safe.
class TokenBucket {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  TokenBucket(double rate, double burst, TimePoint now)
      : rate_(rate), burst_(burst), tokens_(burst), updated_(now) {}

  // Takes a token when there is one.
  bool TryTake(TimePoint now) {
    Refill(now);
    if (tokens_ < 1) {
      return false;
    }
    tokens_ -= 1;
    return true;
  }

  // Full again: forgetting the bucket would change nothing.
  bool IsFull(TimePoint now) {
    Refill(now);
    return tokens_ >= burst_;
  }

 private:
  void Refill(TimePoint now) {
    if (now > updated_) {
      const double seconds = std::chrono::duration<double>(now - updated_).count();
      tokens_ = std::min(burst_, tokens_ + seconds * rate_);
      updated_ = now;
    }
  }

  double rate_;
  double burst_;
  double tokens_;
  TimePoint updated_;
};

}  // namespace hubgate::hubcore
