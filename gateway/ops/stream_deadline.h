#pragma once

#include <chrono>
#include <memory>

#include "gateway/ops/client_stream.h"
#include "gateway/ops/net.h"

namespace hubgate::gateway {

// A time limit on the operations of one ClientStream, as beast::tcp_stream's expires_after:
// when it passes, the socket is closed, so the pending operations end with an error, and
// expired() tells their handlers that the time limit was the cause. Used on the stream's
// executor only.
class StreamDeadline {
 public:
  explicit StreamDeadline(ClientStream& stream) : stream_(stream), timer_(stream.get_executor()) {}

  // `owner` keeps this object alive; a deadline that passes after it is gone does nothing.
  void ExpireAfter(std::chrono::steady_clock::duration after, std::weak_ptr<void> owner) {
    expired_ = false;
    timer_.expires_after(after);
    timer_.async_wait([this, owner = std::move(owner)](error_code ec) {
      auto alive = owner.lock();
      // A wait that completed just before ExpireAfter/Never moved the expiry is stale.
      if (!alive || ec || timer_.expiry() > std::chrono::steady_clock::now()) {
        return;
      }
      expired_ = true;
      error_code ignored;
      stream_.socket().close(ignored);
    });
  }
  void Never() { timer_.cancel(); }
  bool expired() const { return expired_; }

 private:
  ClientStream& stream_;
  net::steady_timer timer_;
  bool expired_ = false;
};

}  // namespace hubgate::gateway
