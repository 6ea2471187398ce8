#pragma once

#include <chrono>
#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "hubcore/hub_backend.h"
#include "gateway/ops/config.h"
#include "gateway/ops/metrics.h"
#include "hubcore/publisher.h"

namespace hubgate::gateway {

// The HTTP/WebSocket side of hubgate, assembled: workers, listener, negotiate registry and the
// local publisher that the Push API drives.
class GatewayServer {
 public:
  // Creates the backend of a hub that has a backend_target.
  using BackendFactory = absl::AnyInvocable<absl::StatusOr<std::unique_ptr<hubcore::HubBackend>>(
      const hubcore::HubOptions& hub)>;

  // Binds the HTTP listener and starts the workers. `config` must be finalized.
  static absl::StatusOr<std::unique_ptr<GatewayServer>> Start(GatewayConfig config,
                                                               BackendFactory make_backend = {});
  ~GatewayServer();

  int http_port() const;
  // The admin endpoint's port; 0 when admin.listen is empty.
  int admin_port() const;
  hubcore::Publisher& publisher();
  Metrics& metrics();
  // /readyz answers 200 once this was called with true and until Drain starts.
  void SetReady(bool ready);
  bool ready() const;
  // Re-reads the certificate files of http.tls and admin.tls now (SIGHUP); they are also
  // checked once a second. Connections accepted afterwards get a changed certificate.
  void ReloadTlsCertificates();
  // Turns not-ready, stops accepting, and sends every connection a Close (allowReconnect) once
  // its hub method calls in flight have completed, the Closes spread evenly over `window`; then
  // waits up to `deadline` (from now) for the connections to end (the rest are aborted). The
  // workers keep running, so Push API calls still in flight complete.
  void Drain(std::chrono::milliseconds window, std::chrono::milliseconds deadline);
  void Drain(std::chrono::milliseconds deadline) { Drain(std::chrono::milliseconds(0), deadline); }
  // Stops the workers. Call after the Push API stopped calling the publisher.
  void Stop();
  // Drain, then Stop.
  void Shutdown(std::chrono::milliseconds deadline);

 private:
  struct Impl;
  explicit GatewayServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hubgate::gateway
