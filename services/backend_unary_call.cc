#include "services/backend_unary_call.h"

#include <memory>
#include <utility>

namespace hubgate::services {

std::unique_ptr<hubcore::BackendCall> BackendUnaryCall::Start(
    BackendChannelSharedPtr backend, v1::InvokeRequest request,
    hubcore::HubBackend::OutcomeCallback done) {
  std::shared_ptr<BackendUnaryCall> call(
      new BackendUnaryCall(std::move(backend), std::move(request), std::move(done)));
  call->self_ = call;
  SetDeadline(call->context_, call->backend_->deadline);
  call->backend_->stub->async()->Invoke(&call->context_, &call->request_, &call->response_,
                                        call.get());
  call->StartCall();
  return std::make_unique<CancelOnlyHandle<BackendUnaryCall>>(std::move(call));
}

BackendUnaryCall::BackendUnaryCall(BackendChannelSharedPtr backend, v1::InvokeRequest request,
                                   hubcore::HubBackend::OutcomeCallback done)
    : backend_(std::move(backend)), request_(std::move(request)), done_(std::move(done)) {}

void BackendUnaryCall::Cancel() {
  cancelled_.store(true);
  context_.TryCancel();
}

void BackendUnaryCall::OnDone(const grpc::Status& status) {
  backend_->ObserveStatus(status);
  std::move(done_)(status.ok() ? OutcomeFromResponse(response_)
                               : OutcomeFromStatus(status, cancelled_.load()));
  // Last statement: this may destroy the call (when the handle is already gone).
  std::shared_ptr<BackendUnaryCall> self = std::move(self_);
}

}  // namespace hubgate::services
