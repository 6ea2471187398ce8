#include "services/grpc_server.h"

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "services/push_api_authorizer.h"
#include "services/push_api_credentials.h"
#include "services/push_api_key_file_watcher.h"
#include "services/push_service.h"
#include "spdlog/spdlog.h"

namespace hubgate::services {
namespace {

// The name health checks use for the Push API in particular ("" stands for the whole server).
constexpr char kPushServiceName[] = "hubgate.v1.Push";

// How often key files are re-read (docs/security.md promises "within about a second").
constexpr std::chrono::seconds kKeyFileCheckInterval{1};

// Says loudly what an unauthenticated Push API means: anyone who reaches the port may push to
// every client, change groups and call clients.
void WarnWithoutCredentials(const std::string& listen, const hubcore::PushApiOptions& security) {
  if (security.has_credentials()) {
    return;
  }
  if (security.allow_unauthenticated_remote) {
    spdlog::warn(
        "SECURITY: the Push API on {} has NO credentials (no push_api.keys, no mTLS) and "
        "push_api.allow_unauthenticated_remote is true: anyone who can reach this port may "
        "push to every client, change groups and call clients",
        listen);
    return;
  }
  spdlog::warn(
      "SECURITY: the Push API has NO credentials (no push_api.keys, no HUBGATE_PUSH_API_KEY, "
      "no mTLS): it listens on loopback only ({}); configure a key to reach it from other hosts "
      "(docs/security.md)",
      listen);
}

}  // namespace

struct GrpcServer::Impl {
  Impl(hubcore::Publisher& publisher, std::shared_ptr<PushApiKeyStore> keys,
       PushApiRefusalObserver on_refusal)
      : authorizer(std::move(keys), std::move(on_refusal)), service(publisher, authorizer) {}

  PushApiAuthorizer authorizer;
  // Declared before `server`, so the server goes first when Impl is destroyed.
  PushService service;
  std::unique_ptr<PushApiKeyFileWatcher> key_file_watcher;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  bool shut_down = false;
};

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(
    const std::string& listen, hubcore::Publisher& publisher,
    const hubcore::PushApiOptions& security, PushApiRefusalObserver on_refusal) {
  std::shared_ptr<PushApiKeyStore> keys;
  if (!security.keys.empty()) {
    absl::StatusOr<std::unique_ptr<PushApiKeyStore>> store =
        PushApiKeyStore::Create(security.keys);
    if (!store.ok()) return store.status();
    keys = *std::move(store);
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      PushApiServerCredentials(security.tls);
  if (!credentials.ok()) return credentials.status();
  auto impl = std::make_unique<Impl>(publisher, keys, std::move(on_refusal));
  if (keys != nullptr && keys->has_key_files()) {
    impl->key_file_watcher = std::make_unique<PushApiKeyFileWatcher>(keys, kKeyFileCheckInterval);
  }

  // The distribution's abseil is built with Mutex deadlock detection on: every absl::Mutex that
  // gRPC creates and destroys per call then passes through one global cycle graph (GraphCycles
  // showed up with ~4 % of the gateway's CPU on the Push API, docs/performance.md). The gateway
  // does not rely on it; tests and sanitizer builds keep it.
#ifdef NDEBUG
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif

  // Both are process-wide switches that the builder reads; calling them again is harmless.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, *credentials, &impl->port);
  builder.RegisterService(&impl->service);
  impl->server = builder.BuildAndStart();
  if (impl->server == nullptr || impl->port == 0) {
    if (impl->server != nullptr) {
      impl->server->Shutdown();
      impl->server->Wait();
    }
    return absl::UnavailableError(absl::StrCat("grpc: cannot listen on '", listen, "'"));
  }
  if (grpc::HealthCheckServiceInterface* health = impl->server->GetHealthCheckService()) {
    health->SetServingStatus(kPushServiceName, true);
  }
  // The address actually bound (tests and operators check the host; port 0 became a number).
  const std::string bound =
      absl::StrCat(listen.substr(0, listen.rfind(':')), ":", impl->port);
  WarnWithoutCredentials(bound, security);
  spdlog::info("Push API bound to {} ({}; {} API key(s){})", bound,
               security.tls.enabled() ? "TLS" : "plaintext", security.keys.size(),
               security.tls.mutual() ? ", client certificates required" : "");
  return std::unique_ptr<GrpcServer>(new GrpcServer(std::move(impl)));
}

GrpcServer::GrpcServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

GrpcServer::~GrpcServer() {
  if (!impl_->shut_down) {
    Shutdown(std::chrono::milliseconds(0));
  }
}

int GrpcServer::port() const { return impl_->port; }

void GrpcServer::SetServing(bool serving) {
  if (impl_->shut_down) {
    return;
  }
  if (grpc::HealthCheckServiceInterface* health = impl_->server->GetHealthCheckService()) {
    health->SetServingStatus(serving);
  }
}

void GrpcServer::Shutdown(std::chrono::milliseconds deadline) {
  if (impl_->shut_down) {
    return;
  }
  impl_->shut_down = true;
  // After the deadline gRPC cancels what is still running; a Push call then still waits for
  // its Publisher callback, which the Publisher contract guarantees.
  impl_->server->Shutdown(std::chrono::system_clock::now() + deadline);
  impl_->server->Wait();
}

}  // namespace hubgate::services
