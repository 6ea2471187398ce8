#include "services/backend_call_support.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/proto_conversion.h"

namespace hubgate::services {
namespace {

void FillPairs(const hubcore::StringPairs& from,
               google::protobuf::Map<std::string, std::string>* to) {
  for (const auto& [key, value] : from) {
    (*to)[key] = value;
  }
}

// The type name is written into client-visible text after the fixed prefix: keep it to what
// type names are made of (.NET nested and generic names use '+' and '`'), so a backend cannot
// smuggle text that looks like part of the prefix or a second message.
constexpr size_t kMaxTypeNameLength = 128;

bool IsPlausibleTypeName(std::string_view type) {
  if (type.size() > kMaxTypeNameLength) {
    return false;
  }
  return std::all_of(type.begin(), type.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
           c == '`' || c == '+';
  });
}

}  // namespace

std::string StatusText(const grpc::Status& status) {
  // absl::StatusCode mirrors the gRPC codes one to one, names included.
  return absl::StrCat(absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())),
                      ": ", status.error_message());
}

void SetDeadline(grpc::ClientContext& context, std::chrono::milliseconds timeout) {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

void FillCallContext(const hubcore::CallContext& from, v1::CallContext* to) {
  to->set_hub(from.hub);
  to->set_connection_id(from.connection_id);
  to->set_user_id(from.user_id);
  FillPairs(from.claims, to->mutable_claims());
  to->set_transport(from.transport);
  to->set_protocol(from.protocol);
  FillPairs(from.query, to->mutable_query());
  FillPairs(from.headers, to->mutable_headers());
}

v1::InvokeRequest MakeInvokeRequest(const hubcore::CallContext& context,
                                    const hubcore::MethodInfo& method,
                                    const std::vector<hubcore::Value>& arguments,
                                    std::string invocation_id) {
  v1::InvokeRequest request;
  FillCallContext(context, request.mutable_context());
  request.set_method(method.name);
  request.mutable_arguments()->Reserve(static_cast<int>(arguments.size()));
  for (const hubcore::Value& argument : arguments) {
    ProtoConversion::ValueToProto(argument, request.add_arguments());
  }
  request.set_invocation_id(std::move(invocation_id));
  return request;
}

hubcore::CallOutcome OutcomeFromResponse(const v1::InvokeResponse& response) {
  switch (response.outcome_case()) {
    case v1::InvokeResponse::kResult: {
      absl::StatusOr<hubcore::Value> result = ProtoConversion::ValueFromProto(response.result());
      if (!result.ok()) {
        return hubcore::CallOutcome::Failure(
            absl::StrCat("backend returned an unusable result: ", result.status().message()));
      }
      return hubcore::CallOutcome::Result(*std::move(result));
    }
    case v1::InvokeResponse::kError:
      return OutcomeFromHubError(response.error());
    case v1::InvokeResponse::OUTCOME_NOT_SET:
      break;
  }
  return hubcore::CallOutcome::Void();
}

hubcore::CallOutcome OutcomeFromHubError(const v1::HubError& error) {
  const std::string& type = error.type();
  if (type.empty() || type == "HubException") {
    return hubcore::CallOutcome::HubError(error.message());
  }
  if (!IsPlausibleTypeName(type)) {
    return hubcore::CallOutcome::Failure(
        absl::StrCat("backend sent a HubError with an unusable type (", kMaxTypeNameLength,
                     " letters, digits, '.', '_', '`', '+' at most): ", error.message()));
  }
  return hubcore::CallOutcome::Exception(type, error.message());
}

hubcore::CallOutcome OutcomeFromStatus(const grpc::Status& status, bool cancelled_by_us) {
  if (cancelled_by_us && status.error_code() == grpc::StatusCode::CANCELLED) {
    return hubcore::CallOutcome::Failure(std::string(hubcore::CallOutcome::kCancelledMessage));
  }
  return hubcore::CallOutcome::Failure(StatusText(status));
}

}  // namespace hubgate::services
