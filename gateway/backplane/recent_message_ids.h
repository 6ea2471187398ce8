#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_set.h"

namespace hubgate::gateway {

// The ids of the pushes received lately, so that a push published to several channels this
// replica holds (a connection in two of its groups, two of its users) is delivered once, as on
// one node. Bounded both ways: an id is forgotten `max_age` after its first arrival, and beyond
// `max_count` ids the oldest go first (a repeat arriving after that is delivered again, so
// `max_count` should cover the pushes of `max_age`). Time is passed in; single-threaded (the
// backplane's receiving thread owns it).
class RecentMessageIds {
 public:
  using Clock = std::chrono::steady_clock;

  // max_count > 0 (crashes otherwise).
  RecentMessageIds(size_t max_count, Clock::duration max_age);

  // True the first time `id` arrives within the window (and remembers it), false for a repeat.
  bool FirstSeen(std::string_view id, Clock::time_point now);

  size_t size() const { return ids_.size(); }

 private:
  void ForgetOlderThan(Clock::time_point cutoff);

  const size_t max_count_;
  const Clock::duration max_age_;
  std::deque<std::pair<Clock::time_point, std::string>> arrivals_;  // oldest first
  absl::flat_hash_set<std::string> ids_;
};

}  // namespace hubgate::gateway
