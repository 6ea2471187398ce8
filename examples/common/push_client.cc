#include "examples/common/push_client.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace hubgate::examples {
namespace {

// One in-flight callback call: the context, request and response must live until the
// completion callback has run, so they are kept together on the heap.
template <typename Request, typename Response, typename Done>
struct PendingCall {
  grpc::ClientContext context;
  Request request;
  Response response;
  Done done;
};

}  // namespace

v1::SendRequest NewSend(const std::string& hub, const std::string& method,
                        std::vector<v1::Value> arguments) {
  v1::SendRequest request;
  request.set_hub(hub);
  request.set_method(method);
  if (!arguments.empty()) {
    auto* values = request.mutable_arguments()->mutable_values();
    for (v1::Value& argument : arguments) {
      *values->Add() = std::move(argument);
    }
  }
  return request;
}

grpc::Status PushFailed(const std::string& what, const grpc::Status& status) {
  spdlog::error("push {} failed: code {}: {}", what, static_cast<int>(status.error_code()),
                status.error_message());
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      absl::StrCat("push ", what, " failed: ", status.error_message()));
}

PushClient::PushClient(const std::string& target, PushApiAccess access,
                       std::chrono::milliseconds deadline)
    : access_(std::move(access)),
      stub_(v1::Push::NewStub(grpc::CreateChannel(target, access_.credentials))),
      deadline_(deadline) {}

void PushClient::Send(v1::SendRequest request, SendDone done) {
  using Call = PendingCall<v1::SendRequest, v1::SendResponse, SendDone>;
  auto* call = new Call{{}, std::move(request), {}, std::move(done)};
  call->context.set_deadline(std::chrono::system_clock::now() + deadline_);
  AddApiKey(access_, call->context);
  stub_->async()->Send(&call->context, &call->request, &call->response,
                       [call](grpc::Status status) {
                         std::unique_ptr<Call> owned(call);
                         owned->done(status, owned->response);
                       });
}

void PushClient::AddToGroup(const std::string& hub, const std::string& connection_id,
                            const std::string& group, GroupDone done) {
  StartGroupCall(true, hub, connection_id, group, std::move(done));
}

void PushClient::RemoveFromGroup(const std::string& hub, const std::string& connection_id,
                                 const std::string& group, GroupDone done) {
  StartGroupCall(false, hub, connection_id, group, std::move(done));
}

void PushClient::StartGroupCall(bool add, const std::string& hub,
                                const std::string& connection_id, const std::string& group,
                                GroupDone done) {
  using Call = PendingCall<v1::GroupMembershipRequest, v1::GroupMembershipResponse, GroupDone>;
  auto* call = new Call{};
  call->request.set_hub(hub);
  call->request.set_connection_id(connection_id);
  call->request.set_group(group);
  call->done = std::move(done);
  call->context.set_deadline(std::chrono::system_clock::now() + deadline_);
  AddApiKey(access_, call->context);
  auto on_done = [call](grpc::Status status) {
    std::unique_ptr<Call> owned(call);
    owned->done(status, owned->response);
  };
  if (add) {
    stub_->async()->AddToGroup(&call->context, &call->request, &call->response,
                               std::move(on_done));
  } else {
    stub_->async()->RemoveFromGroup(&call->context, &call->request, &call->response,
                                    std::move(on_done));
  }
}

absl::StatusOr<std::uint64_t> PushClient::SendAndWait(const v1::SendRequest& request) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + deadline_);
  AddApiKey(access_, context);
  v1::SendResponse response;
  const grpc::Status status = stub_->Send(&context, request, &response);
  if (!status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("push Send ", request.method(), " failed: ", status.error_message()));
  }
  return response.queued_connections();
}

}  // namespace hubgate::examples
