#include "cli/protoc_gen_hubgate/runtime/reply.h"

#include "hubcore/check.h"

namespace hubgate::typed {

ReplyCore::ReplyCore(grpc::ServerUnaryReactor* reactor, v1::InvokeResponse* response)
    : finish_([reactor, response](v1::InvokeResponse answer, const grpc::Status& status) {
        *response = std::move(answer);
        reactor->Finish(status);
      }) {}

ReplyCore::~ReplyCore() {
  if (finish_ != nullptr) {
    Fail(grpc::Status(grpc::StatusCode::INTERNAL, "the hub method dropped its reply"));
  }
}

void ReplyCore::ReturnValue(v1::Value value) {
  v1::InvokeResponse response;
  *response.mutable_result() = std::move(value);
  Finish(std::move(response), grpc::Status::OK);
}

void ReplyCore::ReturnVoid() { Finish(v1::InvokeResponse(), grpc::Status::OK); }

void ReplyCore::HubError(std::string message) {
  v1::InvokeResponse response;
  response.mutable_error()->set_message(std::move(message));
  Finish(std::move(response), grpc::Status::OK);
}

void ReplyCore::Exception(std::string type, std::string message) {
  v1::InvokeResponse response;
  response.mutable_error()->set_type(std::move(type));
  response.mutable_error()->set_message(std::move(message));
  Finish(std::move(response), grpc::Status::OK);
}

void ReplyCore::Fail(const grpc::Status& status) { Finish(v1::InvokeResponse(), status); }

void ReplyCore::Finish(v1::InvokeResponse response, const grpc::Status& status) {
  HUBGATE_CHECK(finish_ != nullptr, "a Reply answered twice");
  std::exchange(finish_, nullptr)(std::move(response), status);
}

}  // namespace hubgate::typed
