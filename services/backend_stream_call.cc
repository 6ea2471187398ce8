#include "services/backend_stream_call.h"

#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "services/proto_conversion.h"

namespace hubgate::services {

std::unique_ptr<hubcore::BackendCall> BackendStreamCall::Start(
    BackendChannelSharedPtr backend, v1::InvokeRequest request,
    hubcore::HubBackend::ItemCallback on_item, hubcore::HubBackend::OutcomeCallback done) {
  std::shared_ptr<BackendStreamCall> call(new BackendStreamCall(
      std::move(backend), std::move(request), std::move(on_item), std::move(done)));
  call->self_ = call;
  call->backend_->stub->async()->StreamInvoke(&call->context_, &call->request_, call.get());
  call->StartRead(&call->response_);
  call->StartCall();
  return std::make_unique<CancelOnlyHandle<BackendStreamCall>>(std::move(call));
}

BackendStreamCall::BackendStreamCall(BackendChannelSharedPtr backend, v1::InvokeRequest request,
                                     hubcore::HubBackend::ItemCallback on_item,
                                     hubcore::HubBackend::OutcomeCallback done)
    : backend_(std::move(backend)),
      request_(std::move(request)),
      on_item_(std::move(on_item)),
      done_(std::move(done)) {}

void BackendStreamCall::Cancel() {
  cancelled_.store(true);
  context_.TryCancel();
}

void BackendStreamCall::OnReadDone(bool ok) {
  if (!ok) {
    return;  // the stream ended; OnDone follows with the status
  }
  switch (response_.outcome_case()) {
    case v1::StreamInvokeResponse::kError:
      ended_ = OutcomeFromHubError(response_.error());
      break;
    case v1::StreamInvokeResponse::kItem: {
      absl::StatusOr<hubcore::Value> item = ProtoConversion::ValueFromProto(response_.item());
      if (!item.ok()) {
        ended_ = hubcore::CallOutcome::Failure(
            absl::StrCat("backend sent an unusable stream item: ", item.status().message()));
        break;
      }
      on_item_(*std::move(item));
      StartRead(&response_);
      return;
    }
    case v1::StreamInvokeResponse::OUTCOME_NOT_SET:
      // An empty message carries nothing; keep reading.
      StartRead(&response_);
      return;
  }
  // The stream is over for the client: stop reading and let the backend know.
  context_.TryCancel();
}

void BackendStreamCall::OnDone(const grpc::Status& status) {
  backend_->ObserveStatus(status);
  hubcore::CallOutcome outcome;
  if (ended_.has_value()) {
    outcome = *std::move(ended_);
  } else if (status.ok()) {
    outcome = hubcore::CallOutcome::Void();
  } else {
    outcome = OutcomeFromStatus(status, cancelled_.load());
  }
  std::move(done_)(std::move(outcome));
  // Last statement: this may destroy the call (when the handle is already gone).
  std::shared_ptr<BackendStreamCall> self = std::move(self_);
}

}  // namespace hubgate::services
