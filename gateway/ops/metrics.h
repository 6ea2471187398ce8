#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "hubcore/audience.h"
#include "hubcore/close_cause.h"
#include "hubcore/hub_protocol.h"

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
}  // namespace prometheus

namespace hubgate::gateway {

// The gateway's Prometheus metrics (prometheus-cpp core; rendered by the admin endpoint). Label
// values come from bounded sets only: hub names and hub method names from the configuration and
// the backends' descriptions, fixed transport/protocol/reason words. Never connection or user
// ids. Thread-safe. Hot paths hold on to the counters they update (see Traffic).
class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The text exposition format (version 0.0.4).
  std::string Render() const;
  // For metric families kept by other parts (gateway/backplane/backplane_metrics.h).
  prometheus::Registry& registry() { return *registry_; }

  // Counters of one hub and transport, looked up once per connection.
  struct Traffic {
    prometheus::Counter* messages_received;
    prometheus::Counter* messages_sent;
    prometheus::Counter* bytes_received;
    prometheus::Counter* bytes_sent;
    prometheus::Counter* queue_overflows;
  };
  Traffic* TrafficFor(const std::string& hub, std::string_view transport);

  // A connection completed the handshake / ended after completing it.
  void ConnectionOpened(const std::string& hub, std::string_view transport,
                        hubcore::HubProtocol protocol);
  void ConnectionClosed(const std::string& hub, std::string_view transport,
                        hubcore::HubProtocol protocol, hubcore::CloseCause cause);
  // A connection that never completed the handshake ended.
  void HandshakeFailed(const std::string& hub, std::string_view transport,
                       hubcore::CloseCause cause);
  void AuthFailed(const std::string& hub, std::string_view reason);
  void Negotiated(const std::string& hub);
  void Pushed(const std::string& hub, const hubcore::Audience& audience);
  // A hub method call to the backend ended. `outcome`: ok, hub_error, failure, unknown_method.
  void Invoked(const std::string& hub, const std::string& method, std::string_view kind,
               std::string_view outcome, double seconds);
  void BackendConnectCall(const std::string& hub, double seconds);
  // A Push API call was refused. `reason`: unauthenticated, permission_denied; `operation`:
  // send, membership, client_results, management.
  void PushApiRefused(std::string_view reason, std::string_view operation);

  // Backend availability: an OnConnected call that failed (the backend unreachable, slow or
  // broken; the hub's on_backend_unavailable decides the connection's fate), and a failed
  // backend call's warning line left out by the per-hub log rate limit.
  void BackendConnectFailed(const std::string& hub);
  void BackendFailureLogSuppressed(const std::string& hub);
  // A request or connection was refused, or a client cut off, by a limit. `limit` is the
  // limit's configuration key (a fixed word), e.g. "max_connections".
  void LimitHit(std::string_view limit);
  // The connection registry's size: negotiations no transport claimed yet, and all entries
  // (negotiated or connected).
  void SetRegistrySize(size_t unclaimed, size_t total);
  // TLS on an HTTP listener (`listener`: http or admin): a failed handshake; a certificate
  // reload (`result`: reloaded, failed); the current certificate's notAfter (Unix seconds).
  void TlsHandshakeFailed(std::string_view listener);
  void TlsCertificateReload(std::string_view listener, std::string_view result);
  void SetTlsCertificateExpiry(std::string_view listener, double unix_seconds);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>& connections_;
  prometheus::Family<prometheus::Counter>& connects_;
  prometheus::Family<prometheus::Counter>& disconnects_;
  prometheus::Family<prometheus::Counter>& handshake_failures_;
  prometheus::Family<prometheus::Counter>& auth_failures_;
  prometheus::Family<prometheus::Counter>& negotiations_;
  prometheus::Family<prometheus::Counter>& messages_received_;
  prometheus::Family<prometheus::Counter>& messages_sent_;
  prometheus::Family<prometheus::Counter>& bytes_received_;
  prometheus::Family<prometheus::Counter>& bytes_sent_;
  prometheus::Family<prometheus::Counter>& queue_overflows_;
  prometheus::Family<prometheus::Counter>& pushes_;
  prometheus::Family<prometheus::Counter>& invocations_;
  prometheus::Family<prometheus::Histogram>& backend_call_seconds_;
  prometheus::Family<prometheus::Counter>& push_api_refusals_;
  prometheus::Family<prometheus::Counter>& backend_connect_failures_;
  prometheus::Family<prometheus::Counter>& backend_failure_logs_suppressed_;
  prometheus::Family<prometheus::Counter>& limit_hits_;
  prometheus::Family<prometheus::Gauge>& registry_size_;
  prometheus::Family<prometheus::Counter>& tls_handshake_failures_;
  prometheus::Family<prometheus::Counter>& tls_certificate_reloads_;
  prometheus::Family<prometheus::Gauge>& tls_certificate_expiry_;

  // hubgate_pushes_total children by hub and target label, so that a push does not build a
  // label map and search the family (the Push API calls Pushed once per call).
  absl::Mutex pushes_mutex_;
  absl::flat_hash_map<std::string, prometheus::Counter*> push_counters_
      ABSL_GUARDED_BY(pushes_mutex_);

  absl::Mutex traffic_mutex_;
  absl::flat_hash_map<std::string, std::unique_ptr<Traffic>> traffic_
      ABSL_GUARDED_BY(traffic_mutex_);
};

// The label word of a close cause ("client_closed", "slow_consumer", ...).
std::string_view CloseCauseLabel(hubcore::CloseCause cause);

}  // namespace hubgate::gateway
