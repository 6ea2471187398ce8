#pragma once

#include <atomic>
#include <memory>
#include <optional>

#include "grpcpp/grpcpp.h"
#include "hubcore/hub_backend.h"
#include "hubgate/v1/hub_handler.grpc.pb.h"
#include "services/backend_call_support.h"

namespace hubgate::services {

// One HubHandler.StreamInvoke call: a client's stream(). It has no deadline; it runs until the
// backend ends it, sends an error, or the call is cancelled.
class BackendStreamCall final : public grpc::ClientReadReactor<v1::StreamInvokeResponse> {
 public:
  static std::unique_ptr<hubcore::BackendCall> Start(BackendChannelSharedPtr backend,
                                                     v1::InvokeRequest request,
                                                     hubcore::HubBackend::ItemCallback on_item,
                                                     hubcore::HubBackend::OutcomeCallback done);

  // Any thread, any time (also after the call has finished).
  void Cancel();

  // grpc::ClientReadReactor
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  BackendStreamCall(BackendChannelSharedPtr backend, v1::InvokeRequest request,
                    hubcore::HubBackend::ItemCallback on_item,
                    hubcore::HubBackend::OutcomeCallback done);

  const BackendChannelSharedPtr backend_;
  grpc::ClientContext context_;
  const v1::InvokeRequest request_;
  v1::StreamInvokeResponse response_;
  hubcore::HubBackend::ItemCallback on_item_;
  hubcore::HubBackend::OutcomeCallback done_;
  std::atomic<bool> cancelled_{false};
  // Set when a message ended the stream (a HubError, or an item that does not convert); only
  // touched by reactions, which gRPC runs one after another.
  std::optional<hubcore::CallOutcome> ended_;
  // gRPC's share of the call: set at Start, dropped after OnDone.
  std::shared_ptr<BackendStreamCall> self_;
};

}  // namespace hubgate::services
