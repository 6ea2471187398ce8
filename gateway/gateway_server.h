#pragma once

#include <chrono>
#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "hubcore/hub_backend.h"
#include "gateway/config.h"
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
  hubcore::Publisher& publisher();
  // Stops accepting, sends every connection a Close (allowReconnect) and waits up to the
  // deadline for the connections to end (the rest are aborted). The workers keep running, so
  // Push API calls still in flight complete.
  void Drain(std::chrono::milliseconds deadline);
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
