#include "hubcore/connection_opening.h"

#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "hubcore/hub_errors.h"

namespace hubgate::hubcore {
namespace {
// Messages a client may send before the backend has accepted its connection (held, then
// processed in order).
constexpr size_t kMaxHeldRecords = 64;
}  // namespace

struct ConnectionOpening::Decision {
  absl::Mutex mutex;
  bool accepted ABSL_GUARDED_BY(mutex) = false;
  bool closed ABSL_GUARDED_BY(mutex) = false;
  std::string close_reason ABSL_GUARDED_BY(mutex);
};

void ConnectionOpening::AskBackend(HubBackend& backend, const CallContext& context,
                                   ConnectionExecutorSharedPtr executor,
                                   AnswerCallback on_answer) {
  decision_ = std::make_shared<Decision>();
  backend.OnConnected(context, [executor = std::move(executor), backend = &backend,
                                decision = decision_, context = context,
                                on_answer = std::move(on_answer)](
                                   absl::StatusOr<std::string> answer) mutable {
    if (answer.ok() && answer->empty()) {
      std::string close_reason;
      bool closed_meanwhile = false;
      {
        absl::MutexLock lock(&decision->mutex);
        decision->accepted = true;
        closed_meanwhile = decision->closed;
        close_reason = decision->close_reason;
      }
      if (closed_meanwhile) {
        backend->OnDisconnected(context, close_reason);  // the connection is gone already
        return;
      }
    }
    executor->Run([on_answer = std::move(on_answer), answer = std::move(answer)]() mutable {
      std::move(on_answer)(std::move(answer));
    });
  });
}

OpeningVerdict ConnectionOpening::Judge(const absl::StatusOr<std::string>& answer,
                                        const HubOptions& options) {
  OpeningVerdict verdict;
  if (answer.ok() && answer->empty()) {
    return verdict;
  }
  if (!answer.ok() && options.accept_when_backend_unavailable &&
      (absl::IsUnavailable(answer.status()) || absl::IsDeadlineExceeded(answer.status()))) {
    // The operator chose availability over the backend's say.
    verdict.kind = OpeningVerdict::Kind::kAcceptedWithoutBackend;
    return verdict;
  }
  verdict.kind = OpeningVerdict::Kind::kRejected;
  if (!answer.ok()) {
    verdict.close_reason = std::string(answer.status().message());
    verdict.handshake_error = BuildErrorText(kHandshakeUnexpectedError, "RpcException",
                                             verdict.close_reason, options.detailed_errors);
  } else {
    verdict.close_reason = *answer;
    verdict.handshake_error = *answer;
  }
  return verdict;
}

absl::Status ConnectionOpening::HoldRecord(std::string_view record) {
  if (held_records_.size() >= kMaxHeldRecords) {
    return HubProtocolError("Too many messages before the connection was accepted.");
  }
  held_records_.emplace_back(record);
  return absl::OkStatus();
}

std::vector<std::string> ConnectionOpening::TakeHeldRecords() {
  std::vector<std::string> held = std::move(held_records_);
  held_records_.clear();
  return held;
}

bool ConnectionOpening::BackendMustHearOfClose(const std::string& close_reason) {
  if (backend_accepted_ || decision_ == nullptr) {
    return backend_accepted_;
  }
  absl::MutexLock lock(&decision_->mutex);
  decision_->closed = true;
  decision_->close_reason = close_reason;
  return decision_->accepted;  // accepted, but the news had not arrived here yet
}

}  // namespace hubgate::hubcore
