#include "gateway/ops/metrics.h"

#include "absl/strings/str_cat.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "prometheus/text_serializer.h"

namespace hubgate::gateway {

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

std::string Str(std::string_view s) { return std::string(s); }

std::string_view ProtocolLabel(hubcore::HubProtocol protocol) {
  return protocol == hubcore::HubProtocol::kMessagePack ? "messagepack" : "json";
}

std::string_view AudienceLabel(const hubcore::Audience& audience) {
  using Kind = hubcore::Audience::Kind;
  const bool many = audience.names.size() > 1;
  switch (audience.kind) {
    case Kind::kAll:
      return audience.excluded_connection_ids.empty() ? "all" : "all_except";
    case Kind::kConnections:
      return many ? "connections" : "connection";
    case Kind::kGroups:
      if (!audience.excluded_connection_ids.empty()) return "group_except";
      return many ? "groups" : "group";
    case Kind::kUsers:
      return many ? "users" : "user";
  }
  return "unknown";
}

// Backend calls: 1 ms .. 30 s.
const prometheus::Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  return *buckets;
}

}  // namespace

std::string_view CloseCauseLabel(hubcore::CloseCause cause) {
  using hubcore::CloseCause;
  switch (cause) {
    case CloseCause::kNone:
    case CloseCause::kClientClosed:
      return "client_closed";
    case CloseCause::kHandshakeFailed:
      return "handshake_failed";
    case CloseCause::kRejected:
      return "rejected";
    case CloseCause::kClientTimeout:
      return "client_timeout";
    case CloseCause::kProtocolError:
      return "protocol_error";
    case CloseCause::kSlowConsumer:
      return "slow_consumer";
    case CloseCause::kServerClosed:
      return "server_closed";
    case CloseCause::kTransportError:
      return "transport_error";
    case CloseCause::kAuthenticationExpired:
      return "authentication_expired";
  }
  return "unknown";
}

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      connections_(BuildGauge()
                       .Name("hubgate_connections")
                       .Help("Open hub connections (handshake completed)")
                       .Register(*registry_)),
      connects_(BuildCounter()
                    .Name("hubgate_connects_total")
                    .Help("Hub connections that completed the handshake")
                    .Register(*registry_)),
      disconnects_(BuildCounter()
                       .Name("hubgate_disconnects_total")
                       .Help("Hub connections that ended, by reason")
                       .Register(*registry_)),
      handshake_failures_(BuildCounter()
                              .Name("hubgate_handshake_failures_total")
                              .Help("Connections that ended before completing the handshake")
                              .Register(*registry_)),
      auth_failures_(BuildCounter()
                         .Name("hubgate_auth_failures_total")
                         .Help("Requests refused with 401 (missing or invalid token)")
                         .Register(*registry_)),
      negotiations_(BuildCounter()
                        .Name("hubgate_negotiations_total")
                        .Help("Successful negotiate requests")
                        .Register(*registry_)),
      messages_received_(BuildCounter()
                             .Name("hubgate_messages_received_total")
                             .Help("Transport messages received from clients (a JSON text "
                                   "message may carry several hub messages)")
                             .Register(*registry_)),
      messages_sent_(BuildCounter()
                         .Name("hubgate_messages_sent_total")
                         .Help("Hub messages written to clients")
                         .Register(*registry_)),
      bytes_received_(BuildCounter()
                          .Name("hubgate_received_bytes_total")
                          .Help("Payload bytes received from clients")
                          .Register(*registry_)),
      bytes_sent_(BuildCounter()
                      .Name("hubgate_sent_bytes_total")
                      .Help("Payload bytes written to clients")
                      .Register(*registry_)),
      queue_overflows_(BuildCounter()
                           .Name("hubgate_send_queue_overflows_total")
                           .Help("Messages that did not fit a connection's send queue (then "
                                 "dropped or the connection closed, per slow_consumer_policy)")
                           .Register(*registry_)),
      pushes_(BuildCounter()
                  .Name("hubgate_pushes_total")
                  .Help("Messages published through the Push API, by audience kind")
                  .Register(*registry_)),
      invocations_(BuildCounter()
                       .Name("hubgate_invocations_total")
                       .Help("Hub method calls from clients, by method and outcome")
                       .Register(*registry_)),
      backend_call_seconds_(BuildHistogram()
                                .Name("hubgate_backend_call_duration_seconds")
                                .Help("Duration of calls to hub backends")
                                .Register(*registry_)),
      push_api_refusals_(BuildCounter()
                             .Name("hubgate_push_api_refusals_total")
                             .Help("Push API calls refused for a missing, unknown or too "
                                   "narrow API key, by reason and operation")
                             .Register(*registry_)),
      backend_connect_failures_(
          BuildCounter()
              .Name("hubgate_backend_connect_failures_total")
              .Help("OnConnected calls to the hub's backend that failed (unreachable, deadline, "
                    "error)")
              .Register(*registry_)),
      backend_failure_logs_suppressed_(
          BuildCounter()
              .Name("hubgate_backend_failure_logs_suppressed_total")
              .Help("Failed backend calls not logged because of the per-hub log rate limit")
              .Register(*registry_)),
      limit_hits_(BuildCounter()
                      .Name("hubgate_limit_hits_total")
                      .Help("Requests and connections refused, and clients cut off, by a limit "
                            "(label: the limit's configuration key)")
                      .Register(*registry_)),
      registry_size_(BuildGauge()
                         .Name("hubgate_registered_connections")
                         .Help("Connections the gateway knows (state=unclaimed: negotiated, no "
                               "transport yet; state=all: negotiated or connected), as of the "
                               "last expiry sweep")
                         .Register(*registry_)),
      tls_handshake_failures_(BuildCounter()
                                  .Name("hubgate_tls_handshake_failures_total")
                                  .Help("TLS handshakes that failed, by listener (http, admin)")
                                  .Register(*registry_)),
      tls_certificate_reloads_(BuildCounter()
                                   .Name("hubgate_tls_certificate_reloads_total")
                                   .Help("Listener certificates re-read after their files "
                                         "changed (result: reloaded, failed)")
                                   .Register(*registry_)),
      tls_certificate_expiry_(BuildGauge()
                                  .Name("hubgate_tls_certificate_expiry_timestamp_seconds")
                                  .Help("notAfter of the certificate a listener serves, in Unix "
                                        "seconds")
                                  .Register(*registry_)) {
  BuildGauge()
      .Name("hubgate_build_info")
      .Help("Always 1; the version is a label")
      .Register(*registry_)
      .Add({{"version", HUBGATE_VERSION}})
      .Set(1);
}

Metrics::~Metrics() = default;

std::string Metrics::Render() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

Metrics::Traffic* Metrics::TrafficFor(const std::string& hub, std::string_view transport) {
  std::string key = hub;
  key.append(1, '\n').append(transport);
  absl::MutexLock lock(&traffic_mutex_);
  auto& slot = traffic_[key];
  if (slot == nullptr) {
    const prometheus::Labels labels{{"hub", hub}, {"transport", Str(transport)}};
    slot = std::make_unique<Traffic>(Traffic{
        &messages_received_.Add(labels), &messages_sent_.Add(labels),
        &bytes_received_.Add(labels), &bytes_sent_.Add(labels), &queue_overflows_.Add(labels)});
  }
  return slot.get();
}

void Metrics::ConnectionOpened(const std::string& hub, std::string_view transport,
                               hubcore::HubProtocol protocol) {
  const prometheus::Labels labels{
      {"hub", hub}, {"transport", Str(transport)}, {"protocol", Str(ProtocolLabel(protocol))}};
  connections_.Add(labels).Increment();
  connects_.Add(labels).Increment();
}

void Metrics::ConnectionClosed(const std::string& hub, std::string_view transport,
                               hubcore::HubProtocol protocol, hubcore::CloseCause cause) {
  connections_
      .Add({{"hub", hub},
            {"transport", Str(transport)},
            {"protocol", Str(ProtocolLabel(protocol))}})
      .Decrement();
  disconnects_.Add({{"hub", hub}, {"reason", Str(CloseCauseLabel(cause))}}).Increment();
}

void Metrics::HandshakeFailed(const std::string& hub, std::string_view transport,
                              hubcore::CloseCause cause) {
  handshake_failures_
      .Add({{"hub", hub}, {"transport", Str(transport)}, {"reason", Str(CloseCauseLabel(cause))}})
      .Increment();
}

void Metrics::AuthFailed(const std::string& hub, std::string_view reason) {
  auth_failures_.Add({{"hub", hub}, {"reason", Str(reason)}}).Increment();
}

void Metrics::Negotiated(const std::string& hub) { negotiations_.Add({{"hub", hub}}).Increment(); }

void Metrics::Pushed(const std::string& hub, const hubcore::Audience& audience) {
  const std::string_view target = AudienceLabel(audience);
  std::string key;
  key.reserve(hub.size() + 1 + target.size());
  key.append(hub).append(1, '\n').append(target);
  prometheus::Counter* counter = nullptr;
  {
    absl::ReaderMutexLock lock(&pushes_mutex_);
    if (auto it = push_counters_.find(key); it != push_counters_.end()) {
      counter = it->second;
    }
  }
  if (counter == nullptr) {
    counter = &pushes_.Add({{"hub", hub}, {"target", Str(target)}});
    absl::MutexLock lock(&pushes_mutex_);
    push_counters_.emplace(std::move(key), counter);
  }
  counter->Increment();
}

void Metrics::Invoked(const std::string& hub, const std::string& method, std::string_view kind,
                      std::string_view outcome, double seconds) {
  invocations_.Add({{"hub", hub}, {"method", method}, {"outcome", Str(outcome)}}).Increment();
  if (seconds >= 0) {
    backend_call_seconds_
        .Add({{"hub", hub}, {"call", Str(kind)}, {"method", method}}, LatencyBuckets())
        .Observe(seconds);
  }
}

void Metrics::BackendConnectCall(const std::string& hub, double seconds) {
  backend_call_seconds_
      .Add({{"hub", hub}, {"call", "connect"}, {"method", ""}}, LatencyBuckets())
      .Observe(seconds);
}

void Metrics::PushApiRefused(std::string_view reason, std::string_view operation) {
  push_api_refusals_.Add({{"reason", Str(reason)}, {"operation", Str(operation)}}).Increment();
}

void Metrics::BackendConnectFailed(const std::string& hub) {
  backend_connect_failures_.Add({{"hub", hub}}).Increment();
}

void Metrics::BackendFailureLogSuppressed(const std::string& hub) {
  backend_failure_logs_suppressed_.Add({{"hub", hub}}).Increment();
}

void Metrics::LimitHit(std::string_view limit) {
  limit_hits_.Add({{"limit", Str(limit)}}).Increment();
}

void Metrics::SetRegistrySize(size_t unclaimed, size_t total) {
  registry_size_.Add({{"state", "unclaimed"}}).Set(static_cast<double>(unclaimed));
  registry_size_.Add({{"state", "all"}}).Set(static_cast<double>(total));
}

void Metrics::TlsHandshakeFailed(std::string_view listener) {
  tls_handshake_failures_.Add({{"listener", Str(listener)}}).Increment();
}

void Metrics::TlsCertificateReload(std::string_view listener, std::string_view result) {
  tls_certificate_reloads_.Add({{"listener", Str(listener)}, {"result", Str(result)}})
      .Increment();
}

void Metrics::SetTlsCertificateExpiry(std::string_view listener, double unix_seconds) {
  tls_certificate_expiry_.Add({{"listener", Str(listener)}}).Set(unix_seconds);
}

}  // namespace hubgate::gateway
