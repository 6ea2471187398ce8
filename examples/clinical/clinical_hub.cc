#include "examples/clinical/clinical_hub.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/json.hpp"
#include "examples/clinical/inr_stream.h"
#include "examples/common/audience.h"
#include "examples/common/hub_replies.h"
#include "examples/common/values.h"
#include "spdlog/spdlog.h"

namespace hubgate::examples::clinical {
namespace {

constexpr char kSubscribeToWard[] = "SubscribeToWard";
constexpr char kGetWardCapacity[] = "GetWardCapacity";
constexpr char kAcknowledgeAlarm[] = "AcknowledgeAlarm";
constexpr char kStreamInrReadings[] = "StreamINRReadings";

std::string WardNotFound(const std::string& ward_id) {
  return absl::StrCat("Ward ", ward_id, " not found.");
}

// Checks the single id argument of a method; on failure finishes the call with a HubError.
std::optional<std::string> SingleIdArgument(const v1::InvokeRequest& request,
                                            const std::string& name, v1::InvokeResponse* response,
                                            grpc::ServerUnaryReactor* reactor) {
  std::optional<std::string> id;
  if (request.arguments_size() != 1) {
    FinishWithHubError(reactor, response, WrongArgumentCount(request, 1));
  } else if (id = IdArgument(request.arguments(0)); !id) {
    FinishWithHubError(reactor, response, name + " must be a string or an integer.");
  }
  return id;
}

}  // namespace

std::string WardGroup(const std::string& ward_id) { return absl::StrCat("ward:", ward_id); }

v1::Value CapacityValue(const WardCapacity& ward) {
  return FromJson(boost::json::object{{"wardId", ward.ward_id},
                                      {"totalBeds", ward.total_beds},
                                      {"occupiedBeds", ward.occupied_beds}});
}

grpc::ServerUnaryReactor* ClinicalHub::Describe(grpc::CallbackServerContext* context,
                                                const v1::DescribeRequest* /*request*/,
                                                v1::HubDescription* response) {
  DescribeMethod(*response, kSubscribeToWard, v1::MethodDescription::KIND_INVOKE);
  DescribeMethod(*response, kGetWardCapacity, v1::MethodDescription::KIND_INVOKE);
  DescribeMethod(*response, kAcknowledgeAlarm, v1::MethodDescription::KIND_INVOKE);
  // A stream method: the gateway calls StreamInvoke for it, and refuses invoke() on it.
  DescribeMethod(*response, kStreamInrReadings, v1::MethodDescription::KIND_STREAM);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* ClinicalHub::OnConnected(grpc::CallbackServerContext* context,
                                                   const v1::ConnectedRequest* request,
                                                   v1::ConnectedResponse* response) {
  const v1::CallContext& caller = request->context();
  if (caller.user_id().empty()) {
    // The client's start() fails with this text and the connection ends.
    response->set_rejection("Unauthenticated.");
    spdlog::info("rejected anonymous connection {}", caller.connection_id());
  } else {
    state_.AddConnection(caller.connection_id(), caller.user_id());
    spdlog::info("connected: {} (user {})", caller.connection_id(), caller.user_id());
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* ClinicalHub::OnDisconnected(grpc::CallbackServerContext* context,
                                                      const v1::DisconnectedRequest* request,
                                                      v1::DisconnectedResponse* /*response*/) {
  state_.RemoveConnection(request->context().connection_id());
  spdlog::info("disconnected: {}{}", request->context().connection_id(),
               request->error().empty() ? "" : " with error: " + request->error());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* ClinicalHub::Invoke(grpc::CallbackServerContext* context,
                                              const v1::InvokeRequest* request,
                                              v1::InvokeResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string& method = request->method();
  if (method == kSubscribeToWard) {
    SubscribeToWard(*request, response, reactor);
  } else if (method == kGetWardCapacity) {
    GetWardCapacity(*request, response, reactor);
  } else if (method == kAcknowledgeAlarm) {
    AcknowledgeAlarm(*request, response, reactor);
  } else {
    reactor->Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "unknown method " + method));
  }
  return reactor;
}

void ClinicalHub::SubscribeToWard(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                                  grpc::ServerUnaryReactor* reactor) {
  const std::optional<std::string> ward_id =
      SingleIdArgument(request, "wardId", response, reactor);
  if (!ward_id) {
    return;
  }
  const std::optional<WardCapacity> ward = state_.FindWard(*ward_id);
  if (!ward) {
    return FinishWithHubError(reactor, response, WardNotFound(*ward_id));
  }
  // Groups.AddToGroupAsync(caller, "ward:A"), then
  // Clients.Caller.SendAsync("WardCapacityUpdated", capacity).
  const std::string caller = request.context().connection_id();
  push_.AddToGroup(
      kHubName, caller, WardGroup(*ward_id),
      [this, reactor, caller, ward = *ward](const grpc::Status& status,
                                            const v1::GroupMembershipResponse& added) {
        if (!status.ok()) {
          return reactor->Finish(PushFailed("AddToGroup", status));
        }
        if (!added.connection_found()) {
          return reactor->Finish(grpc::Status::OK);  // the caller is gone
        }
        state_.AddWardSubscription(caller, ward.ward_id);
        v1::SendRequest send = NewSend(kHubName, "WardCapacityUpdated", {CapacityValue(ward)});
        ToCaller(send, caller);
        push_.Send(std::move(send), [reactor](const grpc::Status& status, const auto&) {
          reactor->Finish(status.ok() ? grpc::Status::OK
                                      : PushFailed("Send WardCapacityUpdated", status));
        });
      });
}

void ClinicalHub::GetWardCapacity(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                                  grpc::ServerUnaryReactor* reactor) {
  const std::optional<std::string> ward_id =
      SingleIdArgument(request, "wardId", response, reactor);
  if (!ward_id) {
    return;
  }
  const std::optional<WardCapacity> ward = state_.FindWard(*ward_id);
  if (!ward) {
    return FinishWithHubError(reactor, response, WardNotFound(*ward_id));
  }
  // A return value: the client's invoke() resolves with this object.
  *response->mutable_result() = CapacityValue(*ward);
  reactor->Finish(grpc::Status::OK);
}

void ClinicalHub::AcknowledgeAlarm(const v1::InvokeRequest& request,
                                   v1::InvokeResponse* response,
                                   grpc::ServerUnaryReactor* reactor) {
  const std::optional<std::string> alarm_id =
      SingleIdArgument(request, "alarmId", response, reactor);
  if (!alarm_id) {
    return;
  }
  const std::string& user_id = request.context().user_id();
  const absl::StatusOr<std::string> ward_id = state_.AcknowledgeAlarm(*alarm_id, user_id);
  if (!ward_id.ok()) {
    // absl::Status messages are absl::string_view: copy into a std::string.
    return FinishWithHubError(reactor, response, std::string(ward_id.status().message()));
  }
  // Clients.Group("ward:A").SendAsync("AlarmAcknowledged", new { alarmId, acknowledgedBy, at })
  v1::SendRequest send = NewSend(
      kHubName, "AlarmAcknowledged",
      {FromJson(boost::json::object{
          {"alarmId", *alarm_id}, {"acknowledgedBy", user_id}, {"at", NowIso8601()}})});
  ToGroup(send, WardGroup(*ward_id));
  push_.Send(std::move(send), [reactor](const grpc::Status& status, const auto&) {
    reactor->Finish(status.ok() ? grpc::Status::OK : PushFailed("Send AlarmAcknowledged", status));
  });
}

grpc::ServerWriteReactor<v1::StreamInvokeResponse>* ClinicalHub::StreamInvoke(
    grpc::CallbackServerContext* /*context*/, const v1::InvokeRequest* request) {
  if (request->method() != kStreamInrReadings) {
    return FinishedStream("", grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                           "unknown stream method " + request->method()));
  }
  if (request->arguments_size() != 1) {
    return FinishedStream(WrongArgumentCount(*request, 1));
  }
  std::optional<std::string> patient_id = IdArgument(request->arguments(0));
  if (!patient_id) {
    return FinishedStream("patientId must be a string or an integer.");
  }
  return StartInrStream(timers_, inr_interval_, *std::move(patient_id), state_);
}

}  // namespace hubgate::examples::clinical
