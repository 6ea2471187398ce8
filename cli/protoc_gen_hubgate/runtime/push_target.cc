#include "cli/protoc_gen_hubgate/runtime/push_target.h"

#include <memory>

#include "hubcore/check.h"

namespace hubgate::typed {
namespace {

absl::Status ToAbsl(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

// `grace` lets the gateway's own timeout (InvokeClient) answer before gRPC's deadline.
void Prepare(grpc::ClientContext& context, const PushOptions& options,
             std::chrono::milliseconds grace = std::chrono::milliseconds(0)) {
  context.set_deadline(std::chrono::system_clock::now() + options.deadline + grace);
  if (!options.api_key.empty()) {
    context.AddMetadata("authorization", "Bearer " + options.api_key);
  }
}

v1::Push::StubInterface::async_interface& Async(v1::Push::StubInterface& stub) {
  v1::Push::StubInterface::async_interface* async = stub.async();
  HUBGATE_CHECK(async != nullptr, "the Push stub has no callback API");
  return *async;
}

}  // namespace

void PushTarget::Send(std::string method, std::vector<v1::Value> arguments, SendDone done) const {
  // Lives until gRPC's callback, which owns and frees it.
  struct Call {
    grpc::ClientContext context;
    v1::SendRequest request;
    v1::SendResponse response;
  };
  auto call = std::make_shared<Call>();
  Prepare(call->context, connection_.options);
  call->request = audience_;
  call->request.set_hub(connection_.hub);
  call->request.set_method(std::move(method));
  for (v1::Value& argument : arguments) {
    *call->request.mutable_arguments()->add_values() = std::move(argument);
  }
  Async(*connection_.stub)
      .Send(&call->context, &call->request, &call->response,
            [call, done = std::move(done)](grpc::Status status) {
              if (!done) return;
              if (status.ok()) {
                done(call->response.queued_connections());
              } else {
                done(ToAbsl(status));
              }
            });
}

void PushTarget::InvokeClient(std::string method, std::vector<v1::Value> arguments,
                              InvokeClientDone done) const {
  HUBGATE_CHECK(audience_.audience_case() == v1::SendRequest::kConnectionId,
                "client results need a single connection");
  struct Call {
    grpc::ClientContext context;
    v1::InvokeClientRequest request;
    v1::InvokeClientResponse response;
  };
  auto call = std::make_shared<Call>();
  Prepare(call->context, connection_.options, std::chrono::seconds(1));
  call->request.set_hub(connection_.hub);
  call->request.set_connection_id(audience_.connection_id());
  call->request.set_method(std::move(method));
  call->request.set_timeout_ms(static_cast<uint32_t>(connection_.options.deadline.count()));
  for (v1::Value& argument : arguments) {
    *call->request.mutable_arguments()->add_values() = std::move(argument);
  }
  Async(*connection_.stub)
      .InvokeClient(&call->context, &call->request, &call->response,
                    [call, done = std::move(done)](grpc::Status status) {
                      if (!done) return;
                      if (!status.ok()) {
                        done(ToAbsl(status));
                      } else if (call->response.has_error()) {
                        done(absl::UnknownError(call->response.error()));
                      } else {
                        done(call->response.result());
                      }
                    });
}

}  // namespace hubgate::typed
