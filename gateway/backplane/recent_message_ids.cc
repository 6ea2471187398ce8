#include "gateway/backplane/recent_message_ids.h"

#include "hubcore/check.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::gateway {

RecentMessageIds::RecentMessageIds(size_t max_count, Clock::duration max_age)
    : max_count_(max_count), max_age_(max_age) {
  HUBGATE_CHECK(max_count_ > 0, "the deduplication window holds at least one id");
}

void RecentMessageIds::ForgetOlderThan(Clock::time_point cutoff) {
  while (!arrivals_.empty() && arrivals_.front().first <= cutoff) {
    ids_.erase(arrivals_.front().second);
    arrivals_.pop_front();
  }
}

bool RecentMessageIds::FirstSeen(std::string_view id, Clock::time_point now) {
  ForgetOlderThan(now - max_age_);
  if (ids_.contains(AsAbsl(id))) {
    return false;
  }
  ids_.emplace(std::string(id));
  arrivals_.emplace_back(now, std::string(id));
  if (arrivals_.size() > max_count_) {
    ids_.erase(arrivals_.front().second);
    arrivals_.pop_front();
  }
  return true;
}

}  // namespace hubgate::gateway
