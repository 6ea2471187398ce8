#include "services/backend_upload_call.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <utility>

#include "services/proto_conversion.h"

namespace hubgate::services {
namespace {

class UploadHandle final : public hubcore::BackendCall {
 public:
  explicit UploadHandle(std::shared_ptr<BackendUploadCall> call) : call_(std::move(call)) {}

  void Cancel() override { call_->Cancel(); }
  bool PushItem(uint32_t index, hubcore::Value item) override {
    return call_->PushItem(index, item);
  }
  void CompleteStream(uint32_t index, std::optional<std::string> error) override {
    call_->CompleteStream(index, std::move(error));
  }

 private:
  std::shared_ptr<BackendUploadCall> call_;
};

}  // namespace

std::unique_ptr<hubcore::BackendCall> BackendUploadCall::Start(
    BackendChannelSharedPtr backend, v1::InvokeRequest invocation, uint32_t upload_streams,
    hubcore::HubBackend::WritableCallback on_writable, hubcore::HubBackend::OutcomeCallback done) {
  std::shared_ptr<BackendUploadCall> call(new BackendUploadCall(
      std::move(backend), upload_streams, std::move(on_writable), std::move(done)));
  call->self_ = call;
  const auto deadline = std::chrono::system_clock::now() + call->backend_->deadline;
  call->context_.set_deadline(deadline);
  call->backend_->stub->async()->InvokeWithUploads(&call->context_, &call->response_, call.get());
  call->AddHold();  // released as described in the class comment
  {
    v1::UploadMessage first;
    *first.mutable_invocation() = std::move(invocation);
    absl::MutexLock lock(&call->mutex_);
    call->pending_.push_back(std::move(first));
  }
  call->StartCall();
  // Armed before anything can release the hold, so OnDone (which cancels it) comes later.
  call->deadline_alarm_.Set(deadline, [weak = std::weak_ptr<BackendUploadCall>(call)](bool fired) {
    if (!fired) {
      return;  // cancelled after OnDone
    }
    if (std::shared_ptr<BackendUploadCall> alive = weak.lock()) {
      alive->Close();
    }
  });
  call->Pump(/*in_reaction=*/false);
  return std::make_unique<UploadHandle>(std::move(call));
}

BackendUploadCall::BackendUploadCall(BackendChannelSharedPtr backend, uint32_t upload_streams,
                                     hubcore::HubBackend::WritableCallback on_writable,
                                     hubcore::HubBackend::OutcomeCallback done)
    : backend_(std::move(backend)),
      capacity_(std::max<size_t>(backend_->stream_buffer_capacity, 1)),
      on_writable_(std::move(on_writable)),
      done_(std::move(done)),
      completed_(upload_streams, false) {}

void BackendUploadCall::Cancel() {
  cancelled_.store(true);
  context_.TryCancel();
  Close();
}

bool BackendUploadCall::PushItem(uint32_t index, const hubcore::Value& item) {
  v1::UploadMessage message;
  message.mutable_item()->set_stream_index(index);
  ProtoConversion::ValueToProto(item, message.mutable_item()->mutable_item());
  bool writable = true;
  {
    absl::MutexLock lock(&mutex_);
    if (closed_ || writes_done_) {
      return true;  // the call is over; nothing to wait for
    }
    pending_.push_back(std::move(message));
    if (pending_.size() > capacity_) {
      want_writable_ = true;
      writable = false;
    }
  }
  Pump(/*in_reaction=*/false);
  return writable;
}

void BackendUploadCall::CompleteStream(uint32_t index, std::optional<std::string> error) {
  v1::UploadMessage message;
  message.mutable_completion()->set_stream_index(index);
  if (error.has_value()) {
    message.mutable_completion()->set_error(*std::move(error));
  }
  {
    absl::MutexLock lock(&mutex_);
    if (closed_ || writes_done_) {
      return;
    }
    pending_.push_back(std::move(message));
    if (index < completed_.size() && !completed_[index]) {
      completed_[index] = true;
      ++completed_count_;
    }
  }
  Pump(/*in_reaction=*/false);
}

void BackendUploadCall::Pump(bool in_reaction) {
  bool write = false;
  {
    absl::MutexLock lock(&mutex_);
    if (writing_ || writes_done_ || closed_ || (!in_reaction && !hold_)) {
      return;
    }
    if (!pending_.empty()) {
      in_flight_ = std::move(pending_.front());
      pending_.pop_front();
      writing_ = true;
      write = true;
    } else if (completed_count_ == completed_.size()) {
      writes_done_ = true;
    } else {
      return;  // waiting for the client
    }
    if (!in_reaction) {
      ++outside_starts_;
    }
  }
  if (write) {
    StartWrite(&in_flight_);
  } else {
    StartWritesDone();
  }
  bool release = false;
  {
    absl::MutexLock lock(&mutex_);
    if (!in_reaction) {
      --outside_starts_;
    }
    if (hold_ && outside_starts_ == 0 && (writes_done_ || release_requested_)) {
      hold_ = false;
      release = true;
    }
  }
  if (release) {
    RemoveHold();
  }
}

void BackendUploadCall::ReleaseHold() {
  {
    absl::MutexLock lock(&mutex_);
    if (!hold_) {
      return;
    }
    if (outside_starts_ > 0) {
      release_requested_ = true;  // the starting thread releases it once its operation is in
      return;
    }
    hold_ = false;
  }
  RemoveHold();
}

void BackendUploadCall::Close() {
  bool notify = false;
  {
    absl::MutexLock lock(&mutex_);
    closed_ = true;
    pending_.clear();
    std::swap(notify, want_writable_);
  }
  ReleaseHold();
  if (notify && on_writable_) {
    on_writable_();
  }
}

void BackendUploadCall::OnWriteDone(bool ok) {
  if (!ok) {
    // The call ended (backend finished early, deadline, cancel): OnDone follows.
    {
      absl::MutexLock lock(&mutex_);
      writing_ = false;
    }
    Close();
    return;
  }
  bool notify = false;
  {
    absl::MutexLock lock(&mutex_);
    writing_ = false;
    if (want_writable_ && pending_.size() < capacity_) {
      want_writable_ = false;
      notify = true;
    }
  }
  Pump(/*in_reaction=*/true);
  if (notify && on_writable_) {
    on_writable_();
  }
}

void BackendUploadCall::OnDone(const grpc::Status& status) {
  backend_->ObserveStatus(status);
  bool notify = false;
  {
    absl::MutexLock lock(&mutex_);
    closed_ = true;
    pending_.clear();
    std::swap(notify, want_writable_);
  }
  deadline_alarm_.Cancel();
  std::move(done_)(status.ok() ? OutcomeFromResponse(response_)
                               : OutcomeFromStatus(status, cancelled_.load()));
  if (notify && on_writable_) {
    on_writable_();
  }
  // Last statement: this may destroy the call (when the handle is already gone).
  std::shared_ptr<BackendUploadCall> self = std::move(self_);
}

}  // namespace hubgate::services
