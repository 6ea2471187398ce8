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
#include "services/push_service.h"

namespace hubgate::services {
namespace {

// The name health checks use for the Push API in particular ("" stands for the whole server).
constexpr char kPushServiceName[] = "hubgate.v1.Push";

}  // namespace

struct GrpcServer::Impl {
  explicit Impl(hubcore::Publisher& publisher) : service(publisher) {}

  // Declared before `server`, so the server goes first when Impl is destroyed.
  PushService service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  bool shut_down = false;
};

absl::StatusOr<std::unique_ptr<GrpcServer>> GrpcServer::Start(const std::string& listen,
                                                              hubcore::Publisher& publisher) {
  auto impl = std::make_unique<Impl>(publisher);

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
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &impl->port);
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
