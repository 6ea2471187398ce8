#include "hubcore/connection_liveness.h"

namespace hubgate::hubcore {

ConnectionLiveness::Due ConnectionLiveness::OnTick(
    TimePoint now, bool wrote, const std::optional<TimePoint>& authentication_expiry) {
  if (wrote) {
    last_write_ = now;
  }
  if (options_.close_on_authentication_expiration && authentication_expiry.has_value() &&
      now >= *authentication_expiry) {
    return Due::kAuthenticationExpired;
  }
  if (client_timeout_armed_ && now - last_receive_ >= options_.client_timeout) {
    return Due::kClientTimeout;
  }
  if (now - last_write_ >= options_.keep_alive_interval) {
    return Due::kPing;
  }
  return Due::kNothing;
}

}  // namespace hubgate::hubcore
