#include "gateway/gateway_server.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "gateway/connection_registry.h"
#include "gateway/gateway_context.h"
#include "gateway/jwt_authenticator.h"
#include "gateway/listener.h"
#include "gateway/local_publisher.h"
#include "gateway/static_files.h"
#include "gateway/worker_pool.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

struct GatewayServer::Impl {
  explicit Impl(GatewayConfig config_in)
      : config(std::move(config_in)),
        workers(static_cast<uint32_t>(config.workers)),
        context{config, workers, registry, nullptr, nullptr, {}},
        publisher(workers, HubNames(config)),
        sweep_timer(workers.at(0).io_context()) {}

  static absl::flat_hash_set<std::string> HubNames(const GatewayConfig& config) {
    absl::flat_hash_set<std::string> names;
    for (const auto& hub : config.hubs) {
      names.insert(hub.name);
    }
    return names;
  }

  // Once a second: forget negotiated connections that never connected.
  void ScheduleSweep() {
    sweep_timer.expires_after(std::chrono::seconds(1));
    sweep_timer.async_wait([this](error_code ec) {
      if (ec) {
        return;
      }
      size_t expired = registry.ExpireUnclaimed(std::chrono::steady_clock::now());
      if (expired > 0) {
        spdlog::debug("forgot {} negotiated connection(s) that never connected", expired);
      }
      ScheduleSweep();
    });
  }

  GatewayConfig config;
  WorkerPool workers;
  ConnectionRegistry registry;
  std::unique_ptr<JwtAuthenticator> authenticator;
  std::unique_ptr<StaticFiles> static_files;
  std::vector<std::unique_ptr<hubcore::HubBackend>> backends;
  GatewayContext context;
  LocalPublisher publisher;
  std::shared_ptr<Listener> listener;
  net::steady_timer sweep_timer;
  bool drained = false;
  bool stopped = false;
};

GatewayServer::GatewayServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GatewayServer::~GatewayServer() { Shutdown(std::chrono::milliseconds(0)); }

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Start(GatewayConfig config,
                                                                     BackendFactory make_backend) {
  auto impl = std::make_unique<Impl>(std::move(config));
  for (const hubcore::HubOptions& hub : impl->config.hubs) {
    if (hub.backend_target.empty()) {
      continue;
    }
    if (!make_backend) {
      return absl::FailedPreconditionError(
          absl::StrCat("hub '", hub.name, "' has a backend, but no backend support was given"));
    }
    auto backend = make_backend(hub);
    if (!backend.ok()) {
      return backend.status();
    }
    impl->context.backends[hub.name] = backend->get();
    impl->backends.push_back(*std::move(backend));
  }
  if (impl->config.auth.enabled()) {
    auto authenticator = JwtAuthenticator::Create(impl->config.auth);
    if (!authenticator.ok()) {
      return authenticator.status();
    }
    impl->authenticator = *std::move(authenticator);
    impl->context.authenticator = impl->authenticator.get();
  }
  if (!impl->config.static_dir.empty()) {
    impl->static_files = std::make_unique<StaticFiles>(impl->config.static_dir);
    impl->context.static_files = impl->static_files.get();
  }
  auto listener = Listener::Create(impl->config.http_listen, impl->context);
  if (!listener.ok()) {
    return listener.status();
  }
  impl->listener = *std::move(listener);
  impl->workers.Start();
  impl->listener->Start();
  net::post(impl->workers.at(0).io_context(), [raw = impl.get()] { raw->ScheduleSweep(); });
  spdlog::info("HTTP/WebSocket listening on port {} with {} worker(s)", impl->listener->port(),
               impl->workers.size());
  return std::unique_ptr<GatewayServer>(new GatewayServer(std::move(impl)));
}

int GatewayServer::http_port() const { return impl_->listener->port(); }

hubcore::Publisher& GatewayServer::publisher() { return impl_->publisher; }

void GatewayServer::Drain(std::chrono::milliseconds deadline) {
  if (impl_->drained) {
    return;
  }
  impl_->drained = true;
  impl_->listener->Stop();
  net::post(impl_->workers.at(0).io_context(), [raw = impl_.get()] { raw->sweep_timer.cancel(); });
  impl_->workers.Drain(deadline);
}

void GatewayServer::Stop() {
  if (impl_->stopped) {
    return;
  }
  impl_->stopped = true;
  impl_->workers.Stop();
}

void GatewayServer::Shutdown(std::chrono::milliseconds deadline) {
  Drain(deadline);
  Stop();
}

}  // namespace hubgate::gateway
