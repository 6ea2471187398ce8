#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "hubcore/hub_backend.h"
#include "hubgate/v1/hub_handler.grpc.pb.h"

namespace hubgate::services {

// What the calls of one hub's backend share. Every running call holds it, so the channel lives
// until the last call has finished even when the GrpcHubBackend is gone.
struct BackendChannel {
  std::string hub;
  std::string target;
  std::chrono::milliseconds deadline{30'000};  // per unary call
  size_t stream_buffer_capacity = 10;          // upload messages queued before back-pressure
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::HubHandler::Stub> stub;  // thread-safe
};
using BackendChannelSharedPtr = std::shared_ptr<BackendChannel>;

// "<CODE>: <message>", e.g. "UNAVAILABLE: failed to connect to all addresses". For logs only.
std::string StatusText(const grpc::Status& status);

void SetDeadline(grpc::ClientContext& context, std::chrono::milliseconds timeout);

void FillCallContext(const hubcore::CallContext& from, v1::CallContext* to);

v1::InvokeRequest MakeInvokeRequest(const hubcore::CallContext& context,
                                    const hubcore::MethodInfo& method,
                                    const std::vector<hubcore::Value>& arguments,
                                    std::string invocation_id);

// result -> Result, error -> HubError, neither -> Void; a result that does not convert -> Failure.
hubcore::CallOutcome OutcomeFromResponse(const v1::InvokeResponse& response);

// A finished call's non-OK status. `cancelled_by_us`: our own Cancel() ran, so CANCELLED is
// reported as Failure("cancelled").
hubcore::CallOutcome OutcomeFromStatus(const grpc::Status& status, bool cancelled_by_us);

// The handle of a call that only supports Cancel(). It shares the call with gRPC: the call
// object lives until both its OnDone has run and the handle is gone.
template <typename Call>
class CancelOnlyHandle final : public hubcore::BackendCall {
 public:
  explicit CancelOnlyHandle(std::shared_ptr<Call> call) : call_(std::move(call)) {}
  void Cancel() override { call_->Cancel(); }

 private:
  std::shared_ptr<Call> call_;
};

}  // namespace hubgate::services
