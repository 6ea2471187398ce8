#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gateway/ops/tls_context_provider.h"

namespace hubgate::gateway {

// The admin HTTP endpoint, on its own thread so that it answers even while the workers are
// busy: GET /metrics (Prometheus text format), /healthz (the process is alive) and /readyz
// (listening, configuration loaded, not draining: 200, otherwise 503). HTTPS with admin.tls.
class AdminServer {
 public:
  struct Handlers {
    std::function<std::string()> render_metrics;
    std::function<bool()> is_ready;
    // admin.tls: serve over TLS with this provider's current certificate (must outlive the
    // server); tls_handshake_failed (may be empty) counts failed handshakes.
    const TlsContextProvider* tls = nullptr;
    std::function<void()> tls_handshake_failed;
    // Extra lines for /readyz (e.g. "backplane: connected"); may be empty.
    std::function<std::string()> ready_detail;
  };

  // Binds host:port (port 0 picks a free one) and starts serving.
  static absl::StatusOr<std::unique_ptr<AdminServer>> Start(const std::string& listen,
                                                            Handlers handlers);
  ~AdminServer();  // stops serving and joins the thread
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  int port() const;

 private:
  struct Impl;
  explicit AdminServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hubgate::gateway
