#include "cli/protoc_gen_hubgate/runtime/reply.h"

#include "hubcore/check.h"

namespace hubgate::typed {

ReplyCore::~ReplyCore() {
  if (reactor_ != nullptr) {
    Fail(grpc::Status(grpc::StatusCode::INTERNAL, "the hub method dropped its reply"));
  }
}

void ReplyCore::ReturnValue(v1::Value value) {
  HUBGATE_CHECK(reactor_ != nullptr, "a Reply answered twice");
  *response_->mutable_result() = std::move(value);
  Finish(grpc::Status::OK);
}

void ReplyCore::ReturnVoid() {
  HUBGATE_CHECK(reactor_ != nullptr, "a Reply answered twice");
  Finish(grpc::Status::OK);
}

void ReplyCore::HubError(std::string message) {
  HUBGATE_CHECK(reactor_ != nullptr, "a Reply answered twice");
  response_->mutable_error()->set_message(std::move(message));
  Finish(grpc::Status::OK);
}

void ReplyCore::Exception(std::string type, std::string message) {
  HUBGATE_CHECK(reactor_ != nullptr, "a Reply answered twice");
  response_->mutable_error()->set_type(std::move(type));
  response_->mutable_error()->set_message(std::move(message));
  Finish(grpc::Status::OK);
}

void ReplyCore::Fail(const grpc::Status& status) {
  HUBGATE_CHECK(reactor_ != nullptr, "a Reply answered twice");
  Finish(status);
}

void ReplyCore::Finish(const grpc::Status& status) {
  std::exchange(reactor_, nullptr)->Finish(status);
}

}  // namespace hubgate::typed
