#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/alarm.h"
#include "grpcpp/grpcpp.h"
#include "hubcore/hub_backend.h"
#include "hubgate/v1/hub_handler.grpc.pb.h"
#include "services/backend_call_support.h"

namespace hubgate::services {

// One HubHandler.InvokeWithUploads call: the invocation, then the client's stream items and
// completions in order, one write at a time; WritesDone once every upload stream is complete.
//
// Items arrive from the hub connection's thread while writes complete on gRPC's, so the queue
// sits under a mutex and gRPC is never called with it held. Starting a write from outside a
// reaction needs a hold (else OnDone could run first); the hold is dropped after WritesDone, on
// Cancel(), when a write fails, and at the deadline (an alarm), so OnDone always comes.
class BackendUploadCall final : public grpc::ClientWriteReactor<v1::UploadMessage> {
 public:
  static std::unique_ptr<hubcore::BackendCall> Start(
      BackendChannelSharedPtr backend, v1::InvokeRequest invocation, uint32_t upload_streams,
      hubcore::HubBackend::WritableCallback on_writable, hubcore::HubBackend::OutcomeCallback done);

  // hubcore::BackendCall, through the handle; any thread, any time.
  void Cancel();
  bool PushItem(uint32_t index, const hubcore::Value& item);
  void CompleteStream(uint32_t index, std::optional<std::string> error);

  // grpc::ClientWriteReactor
  void OnWriteDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  BackendUploadCall(BackendChannelSharedPtr backend, uint32_t upload_streams,
                    hubcore::HubBackend::WritableCallback on_writable,
                    hubcore::HubBackend::OutcomeCallback done);

  // Starts the next write, or WritesDone once every stream is complete and the queue is empty.
  // `in_reaction`: called from a reaction, where no hold is needed.
  void Pump(bool in_reaction);
  // No more writes: drops the queue and the hold, and wakes a waiting writer.
  void Close();
  void ReleaseHold();

  const BackendChannelSharedPtr backend_;
  const size_t capacity_;
  grpc::ClientContext context_;
  v1::InvokeResponse response_;
  hubcore::HubBackend::WritableCallback on_writable_;
  hubcore::HubBackend::OutcomeCallback done_;
  std::atomic<bool> cancelled_{false};
  grpc::Alarm deadline_alarm_;

  absl::Mutex mutex_;
  std::deque<v1::UploadMessage> pending_ ABSL_GUARDED_BY(mutex_);
  // The message being written; only touched while `writing_` (one write at a time).
  v1::UploadMessage in_flight_;
  bool writing_ ABSL_GUARDED_BY(mutex_) = false;
  bool writes_done_ ABSL_GUARDED_BY(mutex_) = false;
  bool closed_ ABSL_GUARDED_BY(mutex_) = false;
  bool want_writable_ ABSL_GUARDED_BY(mutex_) = false;
  std::vector<bool> completed_ ABSL_GUARDED_BY(mutex_);
  size_t completed_count_ ABSL_GUARDED_BY(mutex_) = 0;
  bool hold_ ABSL_GUARDED_BY(mutex_) = true;
  // Threads between deciding on an operation (under the hold) and having started it; the hold
  // is released only when this is 0.
  int outside_starts_ ABSL_GUARDED_BY(mutex_) = 0;
  bool release_requested_ ABSL_GUARDED_BY(mutex_) = false;

  // gRPC's share of the call: set at Start, dropped after OnDone.
  std::shared_ptr<BackendUploadCall> self_;
};

}  // namespace hubgate::services
