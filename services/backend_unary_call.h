#pragma once

#include <atomic>
#include <memory>

#include "grpcpp/grpcpp.h"
#include "hubcore/hub_backend.h"
#include "hubgate/v1/hub_handler.grpc.pb.h"
#include "services/backend_call_support.h"

namespace hubgate::services {

// One HubHandler.Invoke call: a client's invoke() or send(), bounded by the backend deadline.
class BackendUnaryCall final : public grpc::ClientUnaryReactor {
 public:
  static std::unique_ptr<hubcore::BackendCall> Start(BackendChannelSharedPtr backend,
                                                     v1::InvokeRequest request,
                                                     hubcore::HubBackend::OutcomeCallback done);

  // Any thread, any time (also after the call has finished).
  void Cancel();

  // grpc::ClientUnaryReactor
  void OnDone(const grpc::Status& status) override;

 private:
  BackendUnaryCall(BackendChannelSharedPtr backend, v1::InvokeRequest request,
                   hubcore::HubBackend::OutcomeCallback done);

  const BackendChannelSharedPtr backend_;
  grpc::ClientContext context_;
  const v1::InvokeRequest request_;
  v1::InvokeResponse response_;
  hubcore::HubBackend::OutcomeCallback done_;
  std::atomic<bool> cancelled_{false};
  // gRPC's share of the call: set at Start, dropped after OnDone.
  std::shared_ptr<BackendUnaryCall> self_;
};

}  // namespace hubgate::services
