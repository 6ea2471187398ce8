#include "cli/protoc_gen_hubgate/runtime/stream_writer.h"

#include <deque>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace hubgate::typed {

// Shared by the reactor (until gRPC's OnDone) and the StreamChannel. Reactor calls are made
// outside the lock: gRPC may run reactions inline.
class StreamState {
 public:
  using Reactor = grpc::ServerWriteReactor<v1::StreamInvokeResponse>;

  void Attach(Reactor* reactor) {
    absl::MutexLock lock(&mu_);
    reactor_ = reactor;
  }

  // Queues a response; `last` ends the stream after it. False when refused.
  bool Enqueue(v1::StreamInvokeResponse response, bool last) {
    Reactor* reactor = nullptr;
    const v1::StreamInvokeResponse* first = nullptr;
    {
      absl::MutexLock lock(&mu_);
      if (ending_ || cancelled_ || reactor_ == nullptr ||
          (!last && queue_.size() >= StreamChannel::kMaxQueuedItems)) {
        return false;
      }
      queue_.push_back(std::move(response));
      ending_ = last;
      if (!writing_) {
        writing_ = true;
        reactor = reactor_;
        first = &queue_.front();  // stays put until OnWriteDone pops it
      }
    }
    if (reactor != nullptr) {
      reactor->StartWrite(first);
    }
    return true;
  }

  void EndWith(const grpc::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (ending_) {
        return;
      }
      ending_ = true;
      final_status_ = status;
    }
    MaybeFinish();
  }

  void OnWriteDone(bool ok) {
    Reactor* next = nullptr;
    const v1::StreamInvokeResponse* front = nullptr;
    {
      absl::MutexLock lock(&mu_);
      queue_.pop_front();
      if (!ok) {
        cancelled_ = true;
        ending_ = true;
        queue_.clear();
      }
      if (!queue_.empty()) {
        next = reactor_;
        front = &queue_.front();
      } else {
        writing_ = false;
      }
    }
    if (next != nullptr) {
      next->StartWrite(front);
    } else {
      MaybeFinish();
    }
  }

  void OnCancel() {
    std::function<void()> callback;
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      ending_ = true;
      if (!writing_) {
        queue_.clear();
      }
      callback = std::exchange(on_cancel_, nullptr);
    }
    if (callback) {
      callback();
    }
    MaybeFinish();
  }

  void Detach() {
    absl::MutexLock lock(&mu_);
    reactor_ = nullptr;
  }

  bool cancelled() const {
    absl::MutexLock lock(&mu_);
    return cancelled_;
  }

  void SetOnCancel(std::function<void()> callback) {
    {
      absl::MutexLock lock(&mu_);
      if (!cancelled_) {
        on_cancel_ = std::move(callback);
        return;
      }
    }
    callback();
  }

  bool ended() const {
    absl::MutexLock lock(&mu_);
    return ending_;
  }

 private:
  // Finishes once everything queued was written and the stream has ended.
  void MaybeFinish() {
    Reactor* reactor = nullptr;
    grpc::Status status;
    {
      absl::MutexLock lock(&mu_);
      if (finished_ || !ending_ || writing_ || reactor_ == nullptr) {
        return;
      }
      finished_ = true;
      reactor = reactor_;
      status = cancelled_ ? grpc::Status::CANCELLED : final_status_;
    }
    reactor->Finish(status);
  }

  mutable absl::Mutex mu_;
  Reactor* reactor_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::deque<v1::StreamInvokeResponse> queue_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool ending_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status final_status_ ABSL_GUARDED_BY(mu_);
  std::function<void()> on_cancel_ ABSL_GUARDED_BY(mu_);
};

namespace {

class StreamReactor final : public grpc::ServerWriteReactor<v1::StreamInvokeResponse> {
 public:
  explicit StreamReactor(std::shared_ptr<StreamState> state) : state_(std::move(state)) {}

  void OnWriteDone(bool ok) override { state_->OnWriteDone(ok); }
  void OnCancel() override { state_->OnCancel(); }
  void OnDone() override {
    state_->Detach();
    delete this;
  }

 private:
  std::shared_ptr<StreamState> state_;
};

v1::StreamInvokeResponse ErrorResponse(std::string type, std::string message) {
  v1::StreamInvokeResponse response;
  response.mutable_error()->set_type(std::move(type));
  response.mutable_error()->set_message(std::move(message));
  return response;
}

}  // namespace

std::shared_ptr<StreamChannel> StreamChannel::Start(
    grpc::ServerWriteReactor<v1::StreamInvokeResponse>** reactor) {
  auto state = std::make_shared<StreamState>();
  auto* stream_reactor = new StreamReactor(state);
  state->Attach(stream_reactor);
  *reactor = stream_reactor;
  return std::make_shared<StreamChannel>(std::move(state));
}

StreamChannel::~StreamChannel() {
  if (!state_->ended()) {
    state_->EndWith(grpc::Status(grpc::StatusCode::INTERNAL, "the hub method dropped its stream"));
  }
}

bool StreamChannel::WriteValue(v1::Value item) {
  v1::StreamInvokeResponse response;
  *response.mutable_item() = std::move(item);
  return state_->Enqueue(std::move(response), /*last=*/false);
}

void StreamChannel::Complete() { state_->EndWith(grpc::Status::OK); }

void StreamChannel::HubError(std::string message) {
  state_->Enqueue(ErrorResponse("", std::move(message)), /*last=*/true);
}

void StreamChannel::Exception(std::string type, std::string message) {
  state_->Enqueue(ErrorResponse(std::move(type), std::move(message)), /*last=*/true);
}

void StreamChannel::Fail(const grpc::Status& status) { state_->EndWith(status); }

bool StreamChannel::cancelled() const { return state_->cancelled(); }

void StreamChannel::OnCancel(std::function<void()> callback) {
  state_->SetOnCancel(std::move(callback));
}

}  // namespace hubgate::typed
