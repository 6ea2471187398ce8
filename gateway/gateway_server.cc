#include "gateway/gateway_server.h"

#include <array>
#include <atomic>

#include <openssl/rand.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "gateway/backplane/backplane.h"
#include "gateway/backplane/cluster_publisher.h"
#include "gateway/http/connection_token.h"
#include "gateway/ops/admin_server.h"
#include "gateway/ops/listen_address.h"
#include "gateway/ops/tls_context_provider.h"
#include "gateway/runtime/connection_registry.h"
#include "gateway/runtime/gateway_context.h"
#include "gateway/http/jwt_authenticator.h"
#include "gateway/http/listener.h"
#include "gateway/runtime/local_publisher.h"
#include "gateway/runtime/metered_hub_backend.h"
#include "gateway/http/static_files.h"
#include "gateway/runtime/worker_pool.h"
#include "hubcore/check.h"
#include "hubcore/connection_id.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

struct GatewayServer::Impl {
  explicit Impl(GatewayConfig config_in)
      : config(std::move(config_in)),
        workers(static_cast<uint32_t>(config.workers)),
        context{config, workers, registry, metrics, nullptr, nullptr, {}, {}},
        publisher(workers, HubNames(config), &metrics),
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
      ReloadTlsCertificates();
      size_t expired = registry.ExpireUnclaimed(std::chrono::steady_clock::now());
      metrics.SetRegistrySize(registry.unclaimed(), registry.size());
      if (expired > 0) {
        spdlog::debug("forgot {} negotiated connection(s) that never connected", expired);
      }
      ScheduleSweep();
    });
  }

  // Re-reads the listeners' certificate files (once a second, and on SIGHUP): a changed
  // certificate serves the connections accepted from then on.
  void ReloadTlsCertificates() {
    for (TlsContextProvider* provider : {http_tls.get(), admin_tls.get()}) {
      if (provider == nullptr) continue;
      switch (provider->Reload()) {
        case TlsContextProvider::ReloadOutcome::kUnchanged:
          break;
        case TlsContextProvider::ReloadOutcome::kReloaded:
          metrics.TlsCertificateReload(provider->listener(), "reloaded");
          SetCertificateExpiry(*provider);
          break;
        case TlsContextProvider::ReloadOutcome::kFailed:
          metrics.TlsCertificateReload(provider->listener(), "failed");
          break;
      }
    }
  }

  void SetCertificateExpiry(const TlsContextProvider& provider) {
    const auto not_after = provider.certificate_not_after().time_since_epoch();
    metrics.SetTlsCertificateExpiry(
        provider.listener(),
        static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(not_after).count()));
  }

  // Loads the certificate of a listener with TLS configured (else leaves `provider` empty).
  absl::Status LoadTls(std::string listener, const ListenerTlsConfig& files,
                       std::unique_ptr<TlsContextProvider>& provider) {
    if (!files.enabled()) return absl::OkStatus();
    auto loaded = TlsContextProvider::Create(std::move(listener), files);
    if (!loaded.ok()) return loaded.status();
    provider = *std::move(loaded);
    SetCertificateExpiry(*provider);
    return absl::OkStatus();
  }

  // backplane: the Redis link, the cluster's publisher and the token signer, wired into the
  // context and the workers before anything runs.
  absl::Status CreateCluster() {
    const BackplaneConfig& settings = config.backplane;
    if (!settings.enabled()) return absl::OkStatus();
    BackplaneOptions options;
    options.redis.addresses = settings.addresses;
    options.redis.cluster = settings.cluster;
    options.redis.user = settings.user;
    options.redis.password = settings.password;
    options.channel_prefix = settings.channel_prefix;
    options.replica_id = settings.replica_id.empty()
                             ? absl::StrCat("replica-", hubcore::ConnectionId::Make(
                                                            0, RandomReplicaBytes()))
                             : settings.replica_id;
    for (const auto& hub : config.hubs) options.hubs.push_back(hub.name);
    auto created = Backplane::Create(std::move(options), metrics);
    if (!created.ok()) return created.status();
    backplane = *std::move(created);
    cluster_publisher = std::make_unique<ClusterPublisher>(
        workers, HubNames(config), *backplane,
        ClusterPublisher::Options{settings.advertise_address, settings.request_timeout},
        &metrics);
    token_signer = std::make_unique<ConnectionTokenSigner>(settings.token_secret);
    workers.SetRoutingObserver(backplane.get());
    context.cluster = backplane.get();
    context.cluster_publisher = cluster_publisher.get();
    context.token_signer = token_signer.get();
    return absl::OkStatus();
  }

  static std::array<uint8_t, 16> RandomReplicaBytes() {
    std::array<uint8_t, 16> bytes{};
    HUBGATE_CHECK(RAND_bytes(bytes.data(), bytes.size()) == 1, "no randomness");
    return bytes;
  }

  GatewayConfig config;
  Metrics metrics;
  WorkerPool workers;
  ConnectionRegistry registry;
  std::unique_ptr<JwtAuthenticator> authenticator;
  std::unique_ptr<StaticFiles> static_files;
  std::vector<std::unique_ptr<hubcore::HubBackend>> backends;
  GatewayContext context;
  LocalPublisher publisher;
  // With a backplane (backplane.type redis): the cluster's publisher replaces `publisher`.
  std::unique_ptr<Backplane> backplane;
  std::unique_ptr<ClusterPublisher> cluster_publisher;
  std::unique_ptr<ConnectionTokenSigner> token_signer;
  std::unique_ptr<TlsContextProvider> http_tls;   // http.tls; null: plaintext
  std::unique_ptr<TlsContextProvider> admin_tls;  // admin.tls
  std::shared_ptr<Listener> listener;
  std::unique_ptr<AdminServer> admin;
  std::atomic<bool> ready{false};
  std::atomic<bool> draining{false};
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
    auto metered =
        std::make_unique<MeteredHubBackend>(hub.name, *std::move(backend), impl->metrics);
    metered->SetFailureLogInterval(hub.backend_failure_log_interval);
    impl->context.backends[hub.name] = metered.get();
    impl->backends.push_back(std::move(metered));
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
  {
    // Limits (`limits:`) on what clients may make the connection registry hold.
    const LimitsConfig& limits = impl->config.limits;
    std::vector<std::string> hubs;
    for (const hubcore::HubOptions& hub : impl->config.hubs) hubs.push_back(hub.name);
    impl->registry.Configure({limits.max_connections, limits.max_connections_per_user,
                              limits.max_unclaimed_negotiations_per_hub,
                              limits.max_unclaimed_negotiations_per_address},
                             hubs, &impl->metrics);
  }
  if (absl::Status s = impl->LoadTls("http", impl->config.http_tls, impl->http_tls); !s.ok()) {
    return s;
  }
  if (absl::Status s = impl->LoadTls("admin", impl->config.admin_tls, impl->admin_tls);
      !s.ok()) {
    return s;
  }
  {
    auto trusted = TrustedProxies::Parse(impl->config.limits.trusted_proxies);
    if (!trusted.ok()) return trusted.status();  // unreachable: checked when parsed
    impl->context.trusted_proxies = *std::move(trusted);
  }
  if (absl::Status s = impl->CreateCluster(); !s.ok()) {
    return s;
  }
  auto listener =
      Listener::Create(impl->config.http_listen, impl->context, impl->http_tls.get());
  if (!listener.ok()) {
    return listener.status();
  }
  impl->listener = *std::move(listener);
  if (impl->cluster_publisher != nullptr) {
    std::string advertise = impl->config.backplane.advertise_address;
    if (advertise.empty()) {
      // Checked by the configuration: http.listen names a host when no address is given.
      auto listen = SplitListenAddress(impl->config.http_listen);
      advertise = absl::StrCat(listen.ok() ? listen->host : "127.0.0.1", ":",
                               impl->listener->port());
    }
    impl->cluster_publisher->SetAdvertiseAddress(advertise);
    impl->cluster_publisher->Start();
    spdlog::info("backplane: replica {} on Redis {} ({}), reachable at {}",
                 impl->backplane->replica_id(), impl->config.backplane.addresses.front(),
                 impl->config.backplane.cluster ? "cluster" : "single", advertise);
  }
  if (!impl->config.admin_listen.empty()) {
    Impl* raw = impl.get();
    auto admin = AdminServer::Start(
        impl->config.admin_listen,
        {.render_metrics = [raw] { return raw->metrics.Render(); },
         .is_ready = [raw] { return raw->ready.load() && !raw->draining.load(); },
         .tls = impl->admin_tls.get(),
         .tls_handshake_failed = [raw] { raw->metrics.TlsHandshakeFailed("admin"); },
         .ready_detail = [raw]() -> std::string {
           if (raw->backplane == nullptr) return "";
           return absl::StrCat("backplane: ", raw->backplane->StateDetail(), "\n");
         }});
    if (!admin.ok()) {
      return admin.status();
    }
    impl->admin = *std::move(admin);
  }
  impl->workers.Start();
  impl->listener->Start();
  impl->workers.at(0).Post([raw = impl.get()] { raw->ScheduleSweep(); });
  spdlog::info("HTTP/WebSocket listening on port {} ({}) with {} worker(s)",
               impl->listener->port(), impl->http_tls ? "https/wss" : "http/ws",
               impl->workers.size());
  return std::unique_ptr<GatewayServer>(new GatewayServer(std::move(impl)));
}

int GatewayServer::http_port() const { return impl_->listener->port(); }

int GatewayServer::admin_port() const { return impl_->admin ? impl_->admin->port() : 0; }

hubcore::Publisher& GatewayServer::publisher() {
  if (impl_->cluster_publisher != nullptr) {
    return *impl_->cluster_publisher;
  }
  return impl_->publisher;
}

Metrics& GatewayServer::metrics() { return impl_->metrics; }

void GatewayServer::SetReady(bool ready) { impl_->ready = ready; }

void GatewayServer::ReloadTlsCertificates() { impl_->ReloadTlsCertificates(); }

bool GatewayServer::ready() const { return impl_->ready.load() && !impl_->draining.load(); }

void GatewayServer::Drain(std::chrono::milliseconds window, std::chrono::milliseconds deadline) {
  if (impl_->drained) {
    return;
  }
  impl_->drained = true;
  impl_->draining = true;
  impl_->listener->Stop();
  impl_->workers.at(0).Post([raw = impl_.get()] { raw->sweep_timer.cancel(); });
  impl_->workers.Drain(window, deadline);
}

void GatewayServer::Stop() {
  if (impl_->stopped) {
    return;
  }
  impl_->stopped = true;
  impl_->workers.Stop();
  if (impl_->cluster_publisher != nullptr) {
    impl_->cluster_publisher->Stop();
  }
  impl_->admin.reset();
}

void GatewayServer::Shutdown(std::chrono::milliseconds deadline) {
  Drain(deadline);
  Stop();
}

}  // namespace hubgate::gateway
