#include "cli/protoc_gen_hubgate/runtime/upload_call.h"

#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "cli/protoc_gen_hubgate/runtime/binding_error.h"

namespace hubgate::typed {
namespace {

// Who answers the call: the method's reply or a failing stream, whichever comes first. Shared
// with every StreamReader and the Reply, which may outlive the reactor.
class CallEnd {
 public:
  CallEnd(grpc::ServerReadReactor<v1::UploadMessage>* reactor, v1::InvokeResponse* response)
      : reactor_(reactor), response_(response) {}

  void Finish(v1::InvokeResponse response, const grpc::Status& status) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) {
        return;
      }
      finished_ = true;
      *response_ = std::move(response);
    }
    // The reactor lives until gRPC's OnDone, which comes only after this Finish.
    reactor_->Finish(status);
  }

  void FailWith(const absl::Status& status) {
    v1::InvokeResponse response;
    response.mutable_error()->set_type(kBindingExceptionType);
    response.mutable_error()->set_message(status.code() == absl::StatusCode::kResourceExhausted
                                              ? std::string(status.message())
                                              : kBindingErrorText);
    Finish(std::move(response), grpc::Status::OK);
  }

  bool finished() {
    absl::MutexLock lock(&mu_);
    return finished_;
  }

 private:
  grpc::ServerReadReactor<v1::UploadMessage>* const reactor_;
  v1::InvokeResponse* const response_;
  absl::Mutex mu_;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

class UploadReactor final : public grpc::ServerReadReactor<v1::UploadMessage>, public UploadCall {
 public:
  UploadReactor(v1::InvokeResponse* response, Dispatch dispatch)
      : end_(std::make_shared<CallEnd>(this, response)), dispatch_(std::move(dispatch)) {
    StartRead(&message_);
  }

  std::shared_ptr<UploadStreamState> Stream(uint32_t index) override {
    absl::MutexLock lock(&mu_);
    while (streams_.size() <= index) {
      streams_.push_back(std::make_shared<UploadStreamState>(
          [end = end_](const absl::Status& status) { end->FailWith(status); }));
    }
    return streams_[index];
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      return;  // the client half-closed (or the call ended): the reply finishes the call
    }
    if (!started_) {
      started_ = true;
      if (!message_.has_invocation()) {
        end_->Finish(v1::InvokeResponse(), grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                                        "the first message must be the invocation"));
        return;
      }
      dispatch_(message_.invocation(), *this,
                ReplyCore([end = end_](v1::InvokeResponse response, const grpc::Status& status) {
                  end->Finish(std::move(response), status);
                }));
    } else if (message_.has_item()) {
      if (std::shared_ptr<UploadStreamState> stream = Existing(message_.item().stream_index())) {
        stream->PushItem(std::move(*message_.mutable_item()->mutable_item()));
      }
    } else if (message_.has_completion()) {
      if (std::shared_ptr<UploadStreamState> stream =
              Existing(message_.completion().stream_index())) {
        const std::string& error = message_.completion().error();
        stream->PushEnd(error.empty() ? std::nullopt : std::optional<std::string>(error));
      }
    }
    if (!end_->finished()) {
      StartRead(&message_);
    }
  }

  void OnDone() override { delete this; }

 private:
  // Only streams the method asked for take items; others (a misbehaving caller) are ignored.
  std::shared_ptr<UploadStreamState> Existing(uint32_t index) {
    absl::MutexLock lock(&mu_);
    return index < streams_.size() ? streams_[index] : nullptr;
  }

  std::shared_ptr<CallEnd> end_;
  Dispatch dispatch_;
  v1::UploadMessage message_;  // touched only by OnReadDone, one read at a time
  bool started_ = false;
  absl::Mutex mu_;
  std::vector<std::shared_ptr<UploadStreamState>> streams_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

grpc::ServerReadReactor<v1::UploadMessage>* UploadCall::Start(v1::InvokeResponse* response,
                                                              Dispatch dispatch) {
  return new UploadReactor(response, std::move(dispatch));
}

}  // namespace hubgate::typed
