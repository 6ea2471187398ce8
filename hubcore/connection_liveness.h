#pragma once

#include <chrono>
#include <optional>

#include "hubcore/hub_options.h"

namespace hubgate::hubcore {

// A connection's timers, with time passed in: the handshake timeout, keep-alive pings after
// keep_alive_interval without a write, the client timeout (armed by the client's first Ping, as
// .NET does) and the end of the caller's token (ASP.NET Core's CloseOnAuthenticationExpiration).
class ConnectionLiveness {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  enum class Due { kNothing, kPing, kClientTimeout, kAuthenticationExpired };

  ConnectionLiveness(const HubOptions& options, TimePoint now)
      : options_(options), created_(now), last_write_(now), last_receive_(now) {}

  void OnReceived(TimePoint now) { last_receive_ = now; }
  TimePoint last_receive() const { return last_receive_; }
  void OnClientPing() { client_timeout_armed_ = true; }
  bool HandshakeTimedOut(TimePoint now) const {
    return now - created_ >= options_.handshake_timeout;
  }
  // Once a tick while connected; `wrote`: something was written since the previous tick.
  Due OnTick(TimePoint now, bool wrote, const std::optional<TimePoint>& authentication_expiry);
  // A new transport carries the connection: both directions count as active from now.
  void Restart(TimePoint now) {
    last_receive_ = now;
    last_write_ = now;
  }

 private:
  const HubOptions& options_;
  TimePoint created_;
  TimePoint last_write_;
  TimePoint last_receive_;
  bool client_timeout_armed_ = false;
};

}  // namespace hubgate::hubcore
