#pragma once

#include <string_view>

#include "gateway/ops/metrics.h"

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
template <typename T>
class Family;
}  // namespace prometheus

namespace hubgate::gateway {

// The hubgate_backplane_* metrics (docs/operations.md), registered beside the gateway's own.
// Thread-safe.
class BackplaneMetrics {
 public:
  explicit BackplaneMetrics(Metrics& metrics);

  void SetConnected(bool connected);
  void Reconnected();
  // One SPUBLISH: `result` ok, unavailable, refused; its round trip.
  void Published(std::string_view result, double seconds);
  // One envelope received: `kind` push, request, reply, duplicate, invalid.
  void Received(std::string_view kind);
  void SetSubscriptions(size_t count);

 private:
  prometheus::Gauge& connected_;
  prometheus::Counter& reconnects_;
  prometheus::Family<prometheus::Counter>& publishes_;
  prometheus::Histogram& publish_seconds_;
  prometheus::Family<prometheus::Counter>& received_;
  prometheus::Gauge& subscriptions_;
};

}  // namespace hubgate::gateway
