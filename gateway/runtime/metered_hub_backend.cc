#include "gateway/runtime/metered_hub_backend.h"

#include <chrono>

#include "hubcore/string_view_compat.h"

namespace hubgate::gateway {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string_view OutcomeLabel(const hubcore::CallOutcome& outcome) {
  switch (outcome.kind) {
    case hubcore::CallOutcome::Kind::kVoid:
    case hubcore::CallOutcome::Kind::kResult:
      return "ok";
    case hubcore::CallOutcome::Kind::kHubError:
    case hubcore::CallOutcome::Kind::kException:  // typed or not, the method reported an error
      return "hub_error";
    case hubcore::CallOutcome::Kind::kFailure:
      return "failure";
  }
  return "failure";
}

}  // namespace

std::optional<hubcore::MethodInfo> MeteredHubBackend::FindMethod(std::string_view name) const {
  std::optional<hubcore::MethodInfo> method = inner_->FindMethod(name);
  if (!method.has_value()) {
    metrics_.Invoked(hub_, std::string(kUnknownMethodLabel), "invoke", "unknown_method", -1);
  }
  return method;
}

void MeteredHubBackend::OnConnected(const hubcore::CallContext& context,
                                    ConnectedCallback done) {
  inner_->OnConnected(context, [this, start = Clock::now(), done = std::move(done)](
                                   absl::StatusOr<std::string> decision) mutable {
    metrics_.BackendConnectCall(hub_, SecondsSince(start));
    if (!decision.ok()) {
      metrics_.BackendConnectFailed(hub_);
      failure_log_->Report("connect", kUnknownMethodLabel,
                           AsStd(decision.status().message()), Clock::now() - start);
    }
    std::move(done)(std::move(decision));
  });
}

hubcore::HubBackend::OutcomeCallback MeteredHubBackend::Measure(const hubcore::MethodInfo& method,
                                                       std::string_view kind,
                                                       OutcomeCallback done) {
  std::string label = method.described ? method.name : std::string(kUnknownMethodLabel);
  return [this, name = std::move(label), kind, start = Clock::now(),
          done = std::move(done)](hubcore::CallOutcome outcome) mutable {
    metrics_.Invoked(hub_, name, kind, OutcomeLabel(outcome), SecondsSince(start));
    // A call we cancelled (the client cancelled or left) is no failure of the backend.
    if (outcome.kind == hubcore::CallOutcome::Kind::kFailure &&
        outcome.message != hubcore::CallOutcome::kCancelledMessage) {
      failure_log_->Report(kind, name, outcome.message, Clock::now() - start);
    }
    std::move(done)(std::move(outcome));
  };
}

std::unique_ptr<hubcore::BackendCall> MeteredHubBackend::Invoke(
    const hubcore::CallContext& context, const hubcore::MethodInfo& method,
    std::vector<hubcore::Value> arguments, std::string invocation_id, OutcomeCallback done) {
  return inner_->Invoke(context, method, std::move(arguments), std::move(invocation_id),
                        Measure(method, "invoke", std::move(done)));
}

std::unique_ptr<hubcore::BackendCall> MeteredHubBackend::StreamInvoke(
    const hubcore::CallContext& context, const hubcore::MethodInfo& method,
    std::vector<hubcore::Value> arguments, std::string invocation_id, ItemCallback on_item,
    OutcomeCallback done) {
  return inner_->StreamInvoke(context, method, std::move(arguments), std::move(invocation_id),
                              std::move(on_item), Measure(method, "stream", std::move(done)));
}

std::unique_ptr<hubcore::BackendCall> MeteredHubBackend::InvokeWithUploads(
    const hubcore::CallContext& context, const hubcore::MethodInfo& method,
    std::vector<hubcore::Value> arguments, std::string invocation_id,
    WritableCallback on_writable, OutcomeCallback done) {
  return inner_->InvokeWithUploads(context, method, std::move(arguments),
                                   std::move(invocation_id), std::move(on_writable),
                                   Measure(method, "upload", std::move(done)));
}

}  // namespace hubgate::gateway
