#pragma once

// Small helpers for writing HubHandler methods.
//
// How an Invoke ends, and what the SignalR client sees:
//   - reactor->Finish(OK) with nothing set in the response: the method returned void;
//   - response->mutable_result() set, Finish(OK): the client's invoke() resolves with it;
//   - response->mutable_error() set, Finish(OK): the client's invoke() rejects with
//     "An unexpected error occurred invoking 'M' on the server. HubException: <message>";
//   - Finish with a non-OK gRPC status: the client gets only the generic text (no details),
//     like an exception other than HubException in ASP.NET Core.

#include <string>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "hubgate/v1/hub_handler.pb.h"

namespace hubgate::examples {

// Describe: one method entry.
inline void DescribeMethod(v1::HubDescription& description, const std::string& name,
                      v1::MethodDescription::Kind kind) {
  v1::MethodDescription* method = description.add_methods();
  method->set_name(name);
  method->set_kind(kind);
}

// Ends the call with a client-visible error message.
inline void FinishWithHubError(grpc::ServerUnaryReactor* reactor, v1::InvokeResponse* response,
                               const std::string& message) {
  response->mutable_error()->set_message(message);
  reactor->Finish(grpc::Status::OK);
}

// The text for a call with the wrong number of arguments (the gateway does not know how many
// arguments a backend method takes).
inline std::string WrongArgumentCount(const v1::InvokeRequest& request, int expected) {
  return absl::StrCat("Method ", request.method(), " expects ", expected, " argument(s) but got ",
                      request.arguments_size(), ".");
}

}  // namespace hubgate::examples
