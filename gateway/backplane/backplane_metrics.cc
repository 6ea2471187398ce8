#include "gateway/backplane/backplane_metrics.h"

#include <string>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace hubgate::gateway {

namespace {

const prometheus::Histogram::BucketBoundaries& PublishBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1};
  return *buckets;
}

}  // namespace

BackplaneMetrics::BackplaneMetrics(Metrics& metrics)
    : connected_(prometheus::BuildGauge()
                     .Name("hubgate_backplane_connected")
                     .Help("1 while every Redis master of the backplane is connected")
                     .Register(metrics.registry())
                     .Add({})),
      reconnects_(prometheus::BuildCounter()
                      .Name("hubgate_backplane_reconnects_total")
                      .Help("Times the backplane came back after losing Redis")
                      .Register(metrics.registry())
                      .Add({})),
      publishes_(prometheus::BuildCounter()
                     .Name("hubgate_backplane_publishes_total")
                     .Help("SPUBLISH commands by result (ok, unavailable, refused)")
                     .Register(metrics.registry())),
      publish_seconds_(prometheus::BuildHistogram()
                           .Name("hubgate_backplane_publish_duration_seconds")
                           .Help("Round trip of one SPUBLISH to Redis")
                           .Register(metrics.registry())
                           .Add({}, PublishBuckets())),
      received_(prometheus::BuildCounter()
                    .Name("hubgate_backplane_messages_received_total")
                    .Help("Envelopes received from Redis by kind (push, request, reply, "
                          "duplicate, invalid)")
                    .Register(metrics.registry())),
      subscriptions_(prometheus::BuildGauge()
                         .Name("hubgate_backplane_subscriptions")
                         .Help("Redis channels this replica subscribes to")
                         .Register(metrics.registry())
                         .Add({})) {}

void BackplaneMetrics::SetConnected(bool connected) { connected_.Set(connected ? 1 : 0); }

void BackplaneMetrics::Reconnected() { reconnects_.Increment(); }

void BackplaneMetrics::Published(std::string_view result, double seconds) {
  publishes_.Add({{"result", std::string(result)}}).Increment();
  publish_seconds_.Observe(seconds);
}

void BackplaneMetrics::Received(std::string_view kind) {
  received_.Add({{"kind", std::string(kind)}}).Increment();
}

void BackplaneMetrics::SetSubscriptions(size_t count) {
  subscriptions_.Set(static_cast<double>(count));
}

}  // namespace hubgate::gateway
