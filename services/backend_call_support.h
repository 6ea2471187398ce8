#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
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
  bool tls = false;  // for log lines: a TLS failure reads differently from a refused connection
  std::chrono::milliseconds deadline{30'000};  // per unary call
  size_t stream_buffer_capacity = 10;          // upload messages queued before back-pressure
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::HubHandler::Stub> stub;  // thread-safe
  // Sees the status of every finished call (set once, before the first call): an UNAVAILABLE
  // backend may come back as a new deployment, so the description is fetched again.
  std::function<void(const grpc::Status&)> status_observer;

  void ObserveStatus(const grpc::Status& status) const {
    if (status_observer) {
      status_observer(status);
    }
  }
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

// result -> Result, error -> OutcomeFromHubError, neither -> Void; a result that does not
// convert -> Failure.
hubcore::CallOutcome OutcomeFromResponse(const v1::InvokeResponse& response);

// A HubError without a type (or of type "HubException") -> HubError; with another type ->
// Exception. A type that is not a plausible type name (it would reach clients) -> Failure.
hubcore::CallOutcome OutcomeFromHubError(const v1::HubError& error);

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
