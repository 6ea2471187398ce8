#include "services/grpc_hub_backend.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/alarm.h"
#include "grpcpp/grpcpp.h"
#include "hubgate/v1/hub_handler.grpc.pb.h"
#include "services/backend_call_support.h"
#include "services/backend_credentials.h"
#include "services/backend_stream_call.h"
#include "services/backend_unary_call.h"
#include "services/backend_upload_call.h"
#include "services/method_table.h"
#include "spdlog/spdlog.h"

namespace hubgate::services {
namespace {

// Unary call state shared between the caller and gRPC's callback.
template <typename Request, typename Response>
struct UnaryState {
  grpc::ClientContext context;
  Request request;
  Response response;
};

}  // namespace

class GrpcHubBackend::Impl : public std::enable_shared_from_this<Impl> {
 public:
  Impl(BackendChannelSharedPtr backend, const GrpcHubBackendTuning& tuning)
      : backend_(std::move(backend)),
        describe_retry_interval_(tuning.describe_retry_interval),
        background_initial_delay_(tuning.background_describe_initial_delay),
        background_max_delay_(tuning.background_describe_max_delay),
        background_delay_(tuning.background_describe_initial_delay) {}

  const BackendChannelSharedPtr& backend() const { return backend_; }

  std::shared_ptr<const MethodTable> table() const {
    absl::MutexLock lock(&mutex_);
    return table_;
  }

  bool WaitForTable(absl::Duration timeout) const {
    absl::MutexLock lock(&mutex_);
    return mutex_.AwaitWithTimeout(absl::Condition(this, &Impl::HasTable), timeout);
  }

  // Starts a Describe unless one is running or the last attempt is too recent.
  void MaybeDescribe() {
    const auto now = std::chrono::steady_clock::now();
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_ || describing_ ||
          (attempted_ && now - last_attempt_ < describe_retry_interval_)) {
        return;
      }
      BeginDescribeLocked();
    }
    StartDescribe();
  }

  // Describes the backend until a Describe succeeds, retrying with exponential backoff: at
  // start-up (a gateway may start before its backends) and when a call found the backend
  // UNAVAILABLE (it may come back as a new deployment with other methods). Clients' calls are
  // not needed to get a description.
  void DescribeInBackground() {
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_ || background_) {
        return;
      }
      background_ = true;
      background_delay_ = background_initial_delay_;
      if (describing_) {
        return;  // the running Describe's outcome continues the loop
      }
      BeginDescribeLocked();
    }
    StartDescribe();
  }

 private:
  bool HasTable() const ABSL_SHARED_LOCKS_REQUIRED(mutex_) { return table_ != nullptr; }

  void BeginDescribeLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    describing_ = true;
    describe_running_ = true;
    attempted_ = true;
    last_attempt_ = std::chrono::steady_clock::now();
  }

  // After a failed background Describe: the next one after the current backoff delay.
  void ScheduleBackgroundRetry() {
    std::chrono::milliseconds delay;
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_ || !background_) {
        return;
      }
      delay = background_delay_;
      background_delay_ = std::min(background_delay_ * 2, background_max_delay_);
    }
    auto alarm = std::make_unique<grpc::Alarm>();
    alarm->Set(std::chrono::system_clock::now() + delay,
               [weak = weak_from_this()](bool fired) {
                 if (!fired) {
                   return;  // cancelled: the backend object is going away
                 }
                 if (std::shared_ptr<Impl> self = weak.lock()) {
                   self->RetryInBackground();
                 }
               });
    std::unique_ptr<grpc::Alarm> previous;  // fired already; destroyed outside the lock
    absl::MutexLock lock(&mutex_);
    previous = std::exchange(retry_alarm_, std::move(alarm));
  }

  void RetryInBackground() {
    {
      absl::MutexLock lock(&mutex_);
      if (stopping_ || !background_ || describing_) {
        return;
      }
      BeginDescribeLocked();
    }
    StartDescribe();
  }

  void StartDescribe() {
    using State = UnaryState<v1::DescribeRequest, v1::HubDescription>;
    auto state = std::make_shared<State>();
    state->request.set_hub(backend_->hub);
    SetDeadline(state->context, backend_->deadline);
    {
      absl::MutexLock lock(&mutex_);
      describe_context_ = &state->context;
    }
    backend_->stub->async()->Describe(
        &state->context, &state->request, &state->response,
        [self = shared_from_this(), state](grpc::Status status) mutable {
          self->OnDescribed(status, state->response);
          state.reset();  // the call's state is gone before the Describe counts as finished
          absl::MutexLock lock(&self->mutex_);
          self->describe_context_ = nullptr;
          self->describe_running_ = false;
        });
  }

 public:
  // No more Describes; cancels a running one and waits (bounded) until its callback finished,
  // so no Describe callback runs after the backend object is gone.
  void StopDescribing() {
    absl::MutexLock lock(&mutex_);
    stopping_ = true;
    if (describe_context_ != nullptr) {
      describe_context_->TryCancel();
    }
    if (retry_alarm_ != nullptr) {
      retry_alarm_->Cancel();
    }
    auto finished = [this]() ABSL_SHARED_LOCKS_REQUIRED(mutex_) { return !describe_running_; };
    mutex_.AwaitWithTimeout(absl::Condition(&finished), absl::Seconds(5));
  }

 private:

  void OnDescribed(const grpc::Status& status, const v1::HubDescription& description) {
    const std::string& hub = backend_->hub;
    if (!status.ok()) {
      bool first_failure = false;
      {
        absl::MutexLock lock(&mutex_);
        describing_ = false;
        first_failure = !failing_;
        failing_ = true;
      }
      // Retried in the background with backoff; log the first failure of a series loudly.
      const std::string text = StatusText(status);
      if (first_failure) {
        spdlog::warn(
            "hub '{}': backend {} ({}) cannot be described (retrying in the background): {}", hub,
            backend_->target, backend_->tls ? "TLS" : "plaintext", text);
      } else {
        spdlog::debug("hub '{}': backend {} cannot be described: {}", hub, backend_->target, text);
      }
      ScheduleBackgroundRetry();
      return;
    }
    std::shared_ptr<const MethodTable> table = MethodTableFrom(description, hub);
    absl::MutexLock lock(&mutex_);
    if (table_ == nullptr || table_->size() != table->size()) {
      spdlog::info("hub '{}': backend {} describes {} method(s)", hub, backend_->target,
                   table->size());
    }
    describing_ = false;
    failing_ = false;
    background_ = false;
    table_ = std::move(table);
  }

  const BackendChannelSharedPtr backend_;
  const std::chrono::milliseconds describe_retry_interval_;
  const std::chrono::milliseconds background_initial_delay_;
  const std::chrono::milliseconds background_max_delay_;

  mutable absl::Mutex mutex_;
  // Null until the first successful Describe; replaced as a whole, never changed in place.
  std::shared_ptr<const MethodTable> table_ ABSL_GUARDED_BY(mutex_);
  bool describing_ ABSL_GUARDED_BY(mutex_) = false;
  // True from the start of a Describe until its callback has returned (describing_ is cleared
  // earlier, when the answer is processed).
  bool describe_running_ ABSL_GUARDED_BY(mutex_) = false;
  bool stopping_ ABSL_GUARDED_BY(mutex_) = false;
  grpc::ClientContext* describe_context_ ABSL_GUARDED_BY(mutex_) = nullptr;
  bool attempted_ ABSL_GUARDED_BY(mutex_) = false;
  bool failing_ ABSL_GUARDED_BY(mutex_) = false;
  std::chrono::steady_clock::time_point last_attempt_ ABSL_GUARDED_BY(mutex_);
  // A background Describe loop is running (until a Describe succeeds).
  bool background_ ABSL_GUARDED_BY(mutex_) = false;
  std::chrono::milliseconds background_delay_ ABSL_GUARDED_BY(mutex_);
  std::unique_ptr<grpc::Alarm> retry_alarm_ ABSL_GUARDED_BY(mutex_);
};

absl::StatusOr<std::unique_ptr<GrpcHubBackend>> GrpcHubBackend::Create(
    const hubcore::HubOptions& options, const GrpcHubBackendTuning& tuning) {
  if (options.backend_target.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("hub '", options.name, "': backend_target is empty"));
  }
  grpc::ChannelArguments arguments;
  // A connection of this hub's own, not shared with other hubs' channels to the same target.
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  const int max_backoff_ms = static_cast<int>(std::clamp<int64_t>(
      tuning.max_reconnect_backoff.count(), 1, std::numeric_limits<int>::max()));
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, max_backoff_ms);
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, std::min(1000, max_backoff_ms));

  auto backend = std::make_shared<BackendChannel>();
  backend->hub = options.name;
  backend->target = options.backend_target;
  backend->tls = options.backend_tls.enabled();
  backend->deadline = options.backend_deadline;
  backend->stream_buffer_capacity = options.stream_buffer_capacity;
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      BackendCredentials(options);
  if (!credentials.ok()) {
    return credentials.status();
  }
  backend->channel =
      grpc::CreateCustomChannel(options.backend_target, *std::move(credentials), arguments);
  backend->stub = v1::HubHandler::NewStub(backend->channel);

  auto impl = std::make_shared<Impl>(backend, tuning);
  backend->status_observer = [weak = std::weak_ptr<Impl>(impl)](const grpc::Status& status) {
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE) {
      return;
    }
    if (std::shared_ptr<Impl> alive = weak.lock()) {
      alive->DescribeInBackground();
    }
  };
  impl->DescribeInBackground();
  return std::unique_ptr<GrpcHubBackend>(new GrpcHubBackend(std::move(impl)));
}

GrpcHubBackend::GrpcHubBackend(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

GrpcHubBackend::~GrpcHubBackend() { impl_->StopDescribing(); }

std::optional<hubcore::MethodInfo> GrpcHubBackend::FindMethod(std::string_view name) const {
  std::shared_ptr<const MethodTable> table = impl_->table();
  if (table == nullptr) {
    // Backend unknown so far: let the call go out and fail as a backend failure.
    impl_->MaybeDescribe();
    hubcore::MethodInfo guess;
    guess.name = std::string(name);
    guess.kind = hubcore::MethodInfo::Kind::kInvoke;
    guess.described = false;  // not a metric label: any name a client sends would become one
    return guess;
  }
  auto it = table->find(MethodTableKey(name));
  if (it == table->end()) {
    // Perhaps the backend was redeployed with new methods: describe it again (rate-limited),
    // so a new method is known within a retry interval.
    impl_->MaybeDescribe();
    return std::nullopt;
  }
  return it->second;
}

void GrpcHubBackend::OnConnected(const hubcore::CallContext& context, ConnectedCallback done) {
  struct State : UnaryState<v1::ConnectedRequest, v1::ConnectedResponse> {
    ConnectedCallback done;
  };
  const BackendChannelSharedPtr& backend = impl_->backend();
  auto state = std::make_shared<State>();
  state->done = std::move(done);
  FillCallContext(context, state->request.mutable_context());
  SetDeadline(state->context, backend->deadline);
  // The callback holds `backend`, so the channel outlives the call.
  backend->stub->async()->OnConnected(
      &state->context, &state->request, &state->response, [backend, state](grpc::Status status) {
        backend->ObserveStatus(status);
        if (!status.ok()) {
          std::move(state->done)(
              absl::Status(static_cast<absl::StatusCode>(status.error_code()), StatusText(status)));
          return;
        }
        std::move(state->done)(std::move(*state->response.mutable_rejection()));
      });
}

void GrpcHubBackend::OnDisconnected(const hubcore::CallContext& context, std::string error) {
  using State = UnaryState<v1::DisconnectedRequest, v1::DisconnectedResponse>;
  const BackendChannelSharedPtr& backend = impl_->backend();
  auto state = std::make_shared<State>();
  FillCallContext(context, state->request.mutable_context());
  state->request.set_error(std::move(error));
  SetDeadline(state->context, backend->deadline);
  backend->stub->async()->OnDisconnected(
      &state->context, &state->request, &state->response, [backend, state](grpc::Status status) {
        if (!status.ok()) {
          spdlog::debug("hub '{}': OnDisconnected for {} failed: {}", backend->hub,
                        state->request.context().connection_id(), StatusText(status));
        }
      });
}

std::unique_ptr<hubcore::BackendCall> GrpcHubBackend::Invoke(const hubcore::CallContext& context,
                                                             const hubcore::MethodInfo& method,
                                                             std::vector<hubcore::Value> arguments,
                                                             std::string invocation_id,
                                                             OutcomeCallback done) {
  return BackendUnaryCall::Start(
      impl_->backend(), MakeInvokeRequest(context, method, arguments, std::move(invocation_id)),
      std::move(done));
}

std::unique_ptr<hubcore::BackendCall> GrpcHubBackend::StreamInvoke(
    const hubcore::CallContext& context, const hubcore::MethodInfo& method,
    std::vector<hubcore::Value> arguments, std::string invocation_id, ItemCallback on_item,
    OutcomeCallback done) {
  return BackendStreamCall::Start(
      impl_->backend(), MakeInvokeRequest(context, method, arguments, std::move(invocation_id)),
      std::move(on_item), std::move(done));
}

std::unique_ptr<hubcore::BackendCall> GrpcHubBackend::InvokeWithUploads(
    const hubcore::CallContext& context, const hubcore::MethodInfo& method,
    std::vector<hubcore::Value> arguments, std::string invocation_id, WritableCallback on_writable,
    OutcomeCallback done) {
  return BackendUploadCall::Start(
      impl_->backend(), MakeInvokeRequest(context, method, arguments, std::move(invocation_id)),
      method.upload_streams, std::move(on_writable), std::move(done));
}

bool GrpcHubBackend::HasDescription() const { return impl_->table() != nullptr; }

bool GrpcHubBackend::WaitForDescriptionForTest(std::chrono::milliseconds timeout) const {
  return impl_->WaitForTable(absl::Milliseconds(timeout.count()));
}

}  // namespace hubgate::services
