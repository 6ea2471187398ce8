#include "services/push_service.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "hubcore/audience.h"
#include "hubcore/hub_message.h"
#include "hubcore/serialized_message.h"
#include "services/proto_conversion.h"

namespace hubgate::services {
namespace {

// The one place where abseil statuses become gRPC statuses. absl::StatusCode was modelled on
// the gRPC codes, so the numbers match one to one (OK = 0 ... UNAUTHENTICATED = 16).
grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) {
    return grpc::Status::OK;
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

absl::Status HubNotConfigured(const std::string& hub) {
  return absl::NotFoundError(absl::StrCat("hub '", hub, "' is not configured"));
}

// Finishes `reactor` with `status` and returns it, for the early-return paths.
grpc::ServerUnaryReactor* FinishWith(grpc::ServerUnaryReactor* reactor,
                                     const absl::Status& status) {
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Publisher::AddToGroup or Publisher::RemoveFromGroup.
using MembershipOperation = void (hubcore::Publisher::*)(const std::string&, const std::string&,
                                                         const std::string&,
                                                         hubcore::Publisher::FoundCallback);

// Shared by AddToGroup and RemoveFromGroup: validation, the hub check and the reply.
grpc::ServerUnaryReactor* ChangeMembership(hubcore::Publisher& publisher,
                                           const PushApiAuthorizer& authorizer,
                                           std::string_view method, MembershipOperation operation,
                                           grpc::CallbackServerContext* context,
                                           const v1::GroupMembershipRequest* request,
                                           v1::GroupMembershipResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (absl::Status allowed = authorizer.Authorize(*context, method, request->hub());
      !allowed.ok()) {
    return FinishWith(reactor, allowed);
  }
  if (absl::Status valid = ProtoConversion::ValidateGroupRequest(*request); !valid.ok()) {
    return FinishWith(reactor, valid);
  }
  if (!publisher.HasHub(request->hub())) {
    return FinishWith(reactor, HubNotConfigured(request->hub()));
  }
  // The response stays alive until Finish() has been called, whichever thread calls it.
  (publisher.*operation)(request->hub(), request->connection_id(), request->group(),
                         [reactor, response](absl::StatusOr<bool> found) {
                           if (found.ok()) {
                             response->set_connection_found(*found);
                           }
                           reactor->Finish(ToGrpcStatus(found.status()));
                         });
  return reactor;
}

}  // namespace

grpc::ServerUnaryReactor* PushService::Send(grpc::CallbackServerContext* context,
                                            const v1::SendRequest* request,
                                            v1::SendResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (absl::Status allowed = authorizer_.Authorize(*context, "Send", request->hub());
      !allowed.ok()) {
    return FinishWith(reactor, allowed);
  }
  if (absl::Status valid = ProtoConversion::ValidateSendRequest(*request); !valid.ok()) {
    return FinishWith(reactor, valid);
  }
  absl::StatusOr<hubcore::Audience> audience = ProtoConversion::AudienceFromRequest(*request);
  if (!audience.ok()) {
    return FinishWith(reactor, audience.status());
  }
  absl::StatusOr<std::vector<hubcore::Value>> arguments =
      ProtoConversion::ArgumentsFromRequest(*request);
  if (!arguments.ok()) {
    return FinishWith(reactor, arguments.status());
  }
  if (!publisher_.HasHub(request->hub())) {
    return FinishWith(reactor, HubNotConfigured(request->hub()));
  }

  // No invocation id: every recipient gets the same bytes, encoded at most once per protocol.
  hubcore::InvocationMessage invocation;
  invocation.target = request->method();
  invocation.arguments = *std::move(arguments);
  auto message = std::make_shared<const hubcore::SerializedMessage>(
      hubcore::HubMessage(std::move(invocation)));

  publisher_.Publish(request->hub(), *audience, std::move(message),
                     [reactor, response](absl::StatusOr<hubcore::PublishOutcome> outcome) {
                       if (outcome.ok()) {
                         response->set_queued_connections(outcome->queued_connections);
                         response->set_replicas_reached(outcome->replicas_reached);
                       }
                       reactor->Finish(ToGrpcStatus(outcome.status()));
                     });
  return reactor;
}

grpc::ServerUnaryReactor* PushService::AddToGroup(grpc::CallbackServerContext* context,
                                                  const v1::GroupMembershipRequest* request,
                                                  v1::GroupMembershipResponse* response) {
  return ChangeMembership(publisher_, authorizer_, "AddToGroup", &hubcore::Publisher::AddToGroup,
                          context, request, response);
}

grpc::ServerUnaryReactor* PushService::RemoveFromGroup(grpc::CallbackServerContext* context,
                                                       const v1::GroupMembershipRequest* request,
                                                       v1::GroupMembershipResponse* response) {
  return ChangeMembership(publisher_, authorizer_, "RemoveFromGroup",
                          &hubcore::Publisher::RemoveFromGroup, context, request, response);
}

grpc::ServerUnaryReactor* PushService::InvokeClient(grpc::CallbackServerContext* context,
                                                    const v1::InvokeClientRequest* request,
                                                    v1::InvokeClientResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (absl::Status allowed = authorizer_.Authorize(*context, "InvokeClient", request->hub());
      !allowed.ok()) {
    return FinishWith(reactor, allowed);
  }
  if (absl::Status valid = ProtoConversion::ValidateInvokeClientRequest(*request); !valid.ok()) {
    return FinishWith(reactor, valid);
  }
  absl::StatusOr<std::vector<hubcore::Value>> arguments =
      ProtoConversion::ArgumentsFromRequest(*request);
  if (!arguments.ok()) {
    return FinishWith(reactor, arguments.status());
  }
  if (!publisher_.HasHub(request->hub())) {
    return FinishWith(reactor, HubNotConfigured(request->hub()));
  }
  // NotFound, Unavailable and DeadlineExceeded keep their texts; a client's own error is an
  // answer, not a failed call.
  publisher_.InvokeClient(
      request->hub(), request->connection_id(), request->method(), *std::move(arguments),
      ProtoConversion::InvokeClientTimeout(*request),
      [reactor, response](absl::StatusOr<hubcore::Publisher::ClientResult> answer) {
        if (answer.ok()) {
          if (answer->is_error) {
            response->set_error(std::move(answer->error));
          } else {
            ProtoConversion::ValueToProto(answer->result, response->mutable_result());
          }
        }
        reactor->Finish(ToGrpcStatus(answer.status()));
      });
  return reactor;
}

}  // namespace hubgate::services
