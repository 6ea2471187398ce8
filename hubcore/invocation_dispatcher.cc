#include "hubcore/invocation_dispatcher.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "hubcore/hub_errors.h"

namespace hubgate::hubcore {

namespace {
// Invocations waiting for a free slot beyond this are a misbehaving client (each may hold up to
// max_message_size bytes of arguments).
constexpr size_t kMaxWaitingInvocations = 128;
// Backend calls one connection may hold open at once (each is a gRPC stream to the backend).
constexpr size_t kMaxStreams = 128;
constexpr int kMaxUploadCalls = 128;
constexpr std::string_view kTooManyCalls = "Too many concurrent streaming calls on this connection.";
}  // namespace

InvocationDispatcher::InvocationDispatcher(HubBackend* backend, const CallContext& context,
                                           const HubOptions& options, DispatcherHost& host)
    : backend_(backend), context_(context), options_(options), host_(host) {}

InvocationDispatcher::~InvocationDispatcher() = default;

void InvocationDispatcher::Complete(const std::string& invocation_id,
                                    std::optional<std::string> error,
                                    std::optional<Value> result) {
  CompletionMessage completion;
  completion.invocation_id = invocation_id;
  completion.error = std::move(error);
  completion.result = std::move(result);
  host_.WriteToClient(completion, /*bounded=*/false);
}

void InvocationDispatcher::OnInvocation(InvocationMessage message) {
  const bool answered = message.invocation_id.has_value();
  std::optional<MethodInfo> method =
      backend_ != nullptr ? backend_->FindMethod(message.target) : std::nullopt;
  if (!method.has_value()) {
    if (answered) {
      Complete(*message.invocation_id, UnknownHubMethodText(message.target), std::nullopt);
    }
    return;
  }
  if (method->kind == MethodInfo::Kind::kStream) {
    if (answered) {
      Complete(*message.invocation_id, StreamingMethodInvokedText(method->name), std::nullopt);
    }
    return;
  }
  if (message.stream_ids.size() != method->upload_streams) {
    if (answered) {
      Complete(*message.invocation_id,
               BuildErrorText(InvocationErrorPrefix(method->name), "HubException",
                              StreamCountMismatchText(message.stream_ids.size(),
                                                      method->upload_streams),
                              /*detailed_errors=*/true),
               std::nullopt);
    }
    return;
  }
  if (method->upload_streams > 0 && running_upload_calls_ >= kMaxUploadCalls) {
    if (answered) {
      Complete(*message.invocation_id,
               BuildErrorText(InvocationErrorPrefix(method->name), "HubException", kTooManyCalls,
                              /*detailed_errors=*/true),
               std::nullopt);
    }
    return;
  }
  PendingInvocation pending{std::move(message), *std::move(method)};
  // Calls with upload streams start at once: the client streams their items right away, and
  // holding them back behind other calls could deadlock the client.
  if (pending.method.upload_streams == 0 &&
      running_invocations_ >= options_.max_parallel_invocations) {
    if (waiting_.size() >= kMaxWaitingInvocations) {
      host_.FailConnection("Too many invocations are waiting.");
      return;
    }
    waiting_.push_back(std::move(pending));
    return;
  }
  StartInvocation(std::move(pending));
}

void InvocationDispatcher::StartInvocation(PendingInvocation pending) {
  ++running_invocations_;
  const uint64_t key = next_call_key_++;
  InvocationMessage& message = pending.message;
  const std::optional<std::string> invocation_id = message.invocation_id;
  const std::string method = pending.method.name;
  // Backend callbacks run on gRPC threads and may outlive this connection: they reach it only
  // through the executor, which drops the work once the connection is gone.
  ConnectionExecutorSharedPtr executor = host_.Executor();
  const bool uploads = pending.method.upload_streams > 0;
  auto done = [this, executor, key, invocation_id, method, uploads](CallOutcome outcome) {
    executor->Run(
        [this, key, invocation_id, method, uploads, outcome = std::move(outcome)]() mutable {
          OnInvocationDone(key, invocation_id, method, uploads, std::move(outcome));
        });
  };
  std::shared_ptr<BackendCall> call;
  if (pending.method.upload_streams == 0) {
    call = backend_->Invoke(context_, pending.method, std::move(message.arguments),
                            invocation_id.value_or(""), std::move(done));
  } else {
    auto on_writable = [this, executor] {
      executor->Run([this] { host_.ResumeReading(); });
    };
    ++running_upload_calls_;
    call = backend_->InvokeWithUploads(context_, pending.method, std::move(message.arguments),
                                       invocation_id.value_or(""), std::move(on_writable),
                                       std::move(done));
    for (uint32_t i = 0; i < message.stream_ids.size(); ++i) {
      uploads_[message.stream_ids[i]] = UploadBinding{call, i};
    }
  }
  invocations_[key] = std::move(call);
  if (invocation_id.has_value()) {
    invocation_keys_[*invocation_id] = key;
  }
}

void InvocationDispatcher::OnInvocationDone(uint64_t key,
                                            const std::optional<std::string>& invocation_id,
                                            const std::string& method, bool uploads,
                                            CallOutcome outcome) {
  if (uploads) {
    --running_upload_calls_;
  }
  if (auto it = invocations_.find(key); it != invocations_.end()) {
    // Drop the upload bindings of this call.
    for (auto upload = uploads_.begin(); upload != uploads_.end();) {
      if (upload->second.call == it->second) {
        uploads_.erase(upload++);
      } else {
        ++upload;
      }
    }
    invocations_.erase(it);
  }
  if (invocation_id.has_value()) {
    invocation_keys_.erase(*invocation_id);
  }
  --running_invocations_;
  if (!closed_ && invocation_id.has_value()) {
    switch (outcome.kind) {
      case CallOutcome::Kind::kVoid:
        Complete(*invocation_id, std::nullopt, std::nullopt);
        break;
      case CallOutcome::Kind::kResult:
        Complete(*invocation_id, std::nullopt, std::move(outcome.result));
        break;
      case CallOutcome::Kind::kHubError:
      case CallOutcome::Kind::kException:
      case CallOutcome::Kind::kFailure:
        Complete(*invocation_id,
                 OutcomeErrorText(InvocationErrorPrefix(method), outcome), std::nullopt);
        break;
    }
  }
  while (!closed_ && !waiting_.empty() &&
         running_invocations_ < options_.max_parallel_invocations) {
    PendingInvocation next = std::move(waiting_.front());
    waiting_.pop_front();
    StartInvocation(std::move(next));
  }
  if (!closed_ && !HasInvocationsInFlight()) {
    host_.OnInvocationsIdle();
  }
}

std::string InvocationDispatcher::OutcomeErrorText(std::string_view prefix,
                                                   const CallOutcome& outcome) const {
  if (outcome.kind == CallOutcome::Kind::kHubError) {
    // A HubException's message always reaches the client.
    return BuildErrorText(prefix, "HubException", outcome.message, /*detailed_errors=*/true);
  }
  if (outcome.kind == CallOutcome::Kind::kException) {
    return BuildErrorText(prefix, outcome.exception_type, outcome.message,
                          options_.detailed_errors);
  }
  return BuildErrorText(prefix, "RpcException", outcome.message, options_.detailed_errors);
}

void InvocationDispatcher::OnStreamInvocation(StreamInvocationMessage message) {
  std::optional<MethodInfo> method =
      backend_ != nullptr ? backend_->FindMethod(message.target) : std::nullopt;
  if (!method.has_value()) {
    Complete(message.invocation_id, UnknownHubMethodText(message.target), std::nullopt);
    return;
  }
  if (method->kind != MethodInfo::Kind::kStream) {
    Complete(message.invocation_id, NonStreamingMethodStreamedText(method->name), std::nullopt);
    return;
  }
  if (streams_.contains(message.invocation_id)) {
    Complete(message.invocation_id, InvocationIdInUseText(message.invocation_id), std::nullopt);
    return;
  }
  if (streams_.size() >= kMaxStreams) {
    Complete(message.invocation_id,
             BuildErrorText(InvocationErrorPrefix(method->name), "HubException", kTooManyCalls,
                            /*detailed_errors=*/true),
             std::nullopt);
    return;
  }
  if (!message.stream_ids.empty()) {
    Complete(message.invocation_id,
             BuildErrorText(InvocationErrorPrefix(method->name), "HubException",
                            StreamCountMismatchText(message.stream_ids.size(), 0),
                            /*detailed_errors=*/true),
             std::nullopt);
    return;
  }
  const std::string id = message.invocation_id;
  const uint64_t key = next_call_key_++;
  ConnectionExecutorSharedPtr executor = host_.Executor();
  auto on_item = [this, executor, id, key](Value item) {
    executor->Run([this, id, key, item = std::move(item)]() mutable {
      if (closed_ || !IsRunningStream(id, key)) {
        return;
      }
      StreamItemMessage stream_item;
      stream_item.invocation_id = id;
      stream_item.item = std::move(item);
      const bool written = host_.WriteToClient(stream_item, /*bounded=*/true);
      if (written) {
        streams_[id].produced = true;
      } else if (!closed_ && IsRunningStream(id, key)) {
        // The client does not keep up. Rather than a stream with gaps, end it with an error.
        auto call = std::move(streams_[id].call);
        streams_.erase(id);
        call->Cancel();
        Complete(id, std::string(kStreamErrorPrefix), std::nullopt);
      }
    });
  };
  auto done = [this, executor, id, key](CallOutcome outcome) {
    executor->Run([this, id, key, outcome = std::move(outcome)]() mutable {
      OnStreamDone(id, key, std::move(outcome));
    });
  };
  streams_[id] = RunningStream{
      backend_->StreamInvoke(context_, *method, std::move(message.arguments), id,
                             std::move(on_item), std::move(done)),
      key, method->name};
}

bool InvocationDispatcher::IsRunningStream(const std::string& invocation_id, uint64_t key) const {
  auto it = streams_.find(invocation_id);
  return it != streams_.end() && it->second.key == key;
}

void InvocationDispatcher::OnStreamDone(const std::string& invocation_id, uint64_t key,
                                        CallOutcome outcome) {
  if (!IsRunningStream(invocation_id, key)) {
    return;  // cancelled by the client (its Completion was already sent), or an older call
  }
  auto stream = streams_.find(invocation_id);
  const bool produced = stream->second.produced;
  const std::string method = std::move(stream->second.method);
  streams_.erase(stream);
  if (closed_) {
    return;
  }
  if (outcome.failed()) {
    const std::string prefix =
        produced ? std::string(kStreamErrorPrefix) : InvocationErrorPrefix(method);
    Complete(invocation_id, OutcomeErrorText(prefix, outcome), std::nullopt);
    return;
  }
  Complete(invocation_id, std::nullopt, std::nullopt);
}

void InvocationDispatcher::OnCancelInvocation(const CancelInvocationMessage& message) {
  if (auto it = streams_.find(message.invocation_id); it != streams_.end()) {
    std::shared_ptr<BackendCall> call = std::move(it->second.call);
    streams_.erase(it);
    call->Cancel();
    // As .NET: the cancelled stream still gets its Completion (the client ignores it).
    Complete(message.invocation_id, std::nullopt, std::nullopt);
    return;
  }
  if (auto it = invocation_keys_.find(message.invocation_id); it != invocation_keys_.end()) {
    if (auto call = invocations_.find(it->second); call != invocations_.end()) {
      call->second->Cancel();  // its Completion follows from the call's outcome
    }
  }
}

void InvocationDispatcher::OnStreamItem(StreamItemMessage message) {
  auto it = uploads_.find(message.invocation_id);
  if (it == uploads_.end()) {
    return;  // an unknown or finished upload stream: ignored, as .NET logs and drops it
  }
  if (!it->second.call->PushItem(it->second.index, std::move(message.item))) {
    host_.PauseReading();
  }
}

void InvocationDispatcher::OnCompletion(CompletionMessage message) {
  if (auto it = client_results_.find(message.invocation_id); it != client_results_.end()) {
    ClientResultCallback done = std::move(it->second.done);
    client_results_.erase(it);
    ClientResult result;
    if (message.error.has_value()) {
      result.is_error = true;
      result.error = *std::move(message.error);
    } else if (message.result.has_value()) {
      result.result = *std::move(message.result);
    } else {
      // A void answer: the JS client sends an error instead, but other clients may not.
      result.is_error = true;
      result.error = "Client didn't provide a result.";
    }
    std::move(done)(std::move(result));
    return;
  }
  if (auto it = uploads_.find(message.invocation_id); it != uploads_.end()) {
    UploadBinding binding = std::move(it->second);
    uploads_.erase(it);
    binding.call->CompleteStream(binding.index, std::move(message.error));
  }
  // Anything else refers to nothing we know: ignored, as .NET does.
}

void InvocationDispatcher::InvokeClient(std::string method, std::vector<Value> arguments,
                                        TimePoint deadline,
                                        ClientResultCallback done) {
  if (closed_) {
    std::move(done)(absl::UnavailableError(ConnectionDisconnectedText(context_.connection_id)));
    return;
  }
  std::string id = absl::StrCat("s", ++next_client_invocation_);
  InvocationMessage invocation;
  invocation.invocation_id = id;
  invocation.target = std::move(method);
  invocation.arguments = std::move(arguments);
  client_results_[id] = ClientResultWait{deadline, std::move(done)};
  host_.WriteToClient(invocation, /*bounded=*/false);
}

void InvocationDispatcher::OnTick(TimePoint now) {
  for (auto it = client_results_.begin(); it != client_results_.end();) {
    if (now >= it->second.deadline) {
      ClientResultCallback done = std::move(it->second.done);
      client_results_.erase(it++);
      std::move(done)(absl::DeadlineExceededError("The client did not answer in time."));
    } else {
      ++it;
    }
  }
}

void InvocationDispatcher::OnConnectionClosed() {
  if (closed_) {
    return;
  }
  closed_ = true;
  waiting_.clear();
  for (auto& [id, stream] : streams_) {
    stream.call->Cancel();
  }
  streams_.clear();
  for (auto& [id, binding] : uploads_) {
    binding.call->Cancel();
  }
  uploads_.clear();
  auto pending = std::move(client_results_);
  client_results_.clear();
  for (auto& [id, wait] : pending) {
    std::move(wait.done)(
        absl::UnavailableError(ConnectionDisconnectedText(context_.connection_id)));
  }
}

}  // namespace hubgate::hubcore
