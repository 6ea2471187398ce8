#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/http/client_rate_limiter.h"
#include "gateway/runtime/gateway_context.h"
#include "gateway/ops/net.h"
#include "gateway/ops/tls_context_provider.h"

namespace hubgate::gateway {

// Accepts TCP connections and deals them round-robin to the workers, each socket created on
// the io_context of the worker that will serve it; with `tls` (http.tls), each connection is
// served over TLS with the provider's current certificate.
class Listener final : public std::enable_shared_from_this<Listener> {
 public:
  // Binds host:port (port 0 picks a free one). `tls` (may be null) must outlive the listener.
  static absl::StatusOr<std::shared_ptr<Listener>> Create(const std::string& listen,
                                                          GatewayContext& context,
                                                          const TlsContextProvider* tls = nullptr);

  void Start();
  // Stops accepting; already accepted connections go on.
  void Stop();
  int port() const { return port_; }

 private:
  Listener(net::io_context& io_context, GatewayContext& context, const TlsContextProvider* tls);
  void DoAccept();

  GatewayContext& context_;
  const TlsContextProvider* tls_;
  // limits.connection_rate_per_address, shared by every session of this listener.
  ClientRateLimiter connect_rate_;
  tcp::acceptor acceptor_;
  int port_ = 0;
};

}  // namespace hubgate::gateway
