#include "hubcore/hub_method_calls.h"

#include <utility>

#include "hubcore/hub_errors.h"

namespace hubgate::hubcore {

HubMethodCalls::HubMethodCalls(HubBackend* backend, const CallContext& context,
                               const HubOptions& options, DispatcherHost& dispatcher_host,
                               HubConnectionHost& connection_host)
    : dispatcher_host_(dispatcher_host),
      connection_host_(connection_host),
      rate_limit_(options),
      dispatcher_(backend, context, options, dispatcher_host) {}

void HubMethodCalls::OnMessage(HubMessage message, TimePoint now) {
  switch (TypeOf(message)) {
    case MessageType::kInvocation: {
      auto& invocation = std::get<InvocationMessage>(message);
      if (AllowInvocation(invocation.invocation_id, now)) {
        dispatcher_.OnInvocation(std::move(invocation));
      }
      return;
    }
    case MessageType::kStreamInvocation: {
      auto& invocation = std::get<StreamInvocationMessage>(message);
      if (AllowInvocation(invocation.invocation_id, now)) {
        dispatcher_.OnStreamInvocation(std::move(invocation));
      }
      return;
    }
    case MessageType::kCancelInvocation:
      dispatcher_.OnCancelInvocation(std::get<CancelInvocationMessage>(message));
      return;
    case MessageType::kStreamItem:
      dispatcher_.OnStreamItem(std::get<StreamItemMessage>(std::move(message)));
      return;
    case MessageType::kCompletion:
      dispatcher_.OnCompletion(std::get<CompletionMessage>(std::move(message)));
      return;
    default:
      return;
  }
}

bool HubMethodCalls::AllowInvocation(const std::optional<std::string>& invocation_id,
                                     TimePoint now) {
  if (rate_limit_.Allow(now)) {
    return true;
  }
  connection_host_.OnLimitHit("max_invocations_per_second");
  if (invocation_id.has_value()) {
    CompletionMessage refusal;
    refusal.invocation_id = *invocation_id;
    refusal.error = std::string(kInvocationRateLimitExceeded);
    dispatcher_host_.WriteToClient(refusal, /*bounded=*/false);
  }
  return false;
}

void HubMethodCalls::InvokeClient(std::string method, std::vector<Value> arguments,
                                  TimePoint deadline, ClientResultCallback done) {
  dispatcher_.InvokeClient(std::move(method), std::move(arguments), deadline, std::move(done));
}

}  // namespace hubgate::hubcore
