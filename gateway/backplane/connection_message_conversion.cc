#include "gateway/backplane/connection_message_conversion.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "hubcore/messagepack_value_codec.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::gateway {

namespace v1 = ::hubgate::backplane::v1;

namespace {

absl::Status Malformed(std::string_view what, const absl::Status& cause) {
  return absl::InvalidArgumentError(
      absl::StrCat("backplane envelope: ", AsAbsl(what), ": ", cause.message()));
}

std::string EncodeArguments(const std::vector<hubcore::Value>& arguments) {
  std::string out;
  hubcore::MessagePackWriter writer(&out);
  writer.ArrayHeader(arguments.size());
  for (const hubcore::Value& argument : arguments) {
    writer.Write(argument);
  }
  return out;
}

absl::StatusOr<std::vector<hubcore::Value>> DecodeArguments(std::string_view bytes) {
  auto elements = hubcore::MessagePackValueCodec::ParseArray(bytes);
  if (!elements.ok()) {
    return Malformed("request arguments", elements.status());
  }
  std::vector<hubcore::Value> arguments;
  arguments.reserve(elements->size());
  for (hubcore::MessagePackElement& element : *elements) {
    if (auto* array = std::get_if<hubcore::ValueArray>(&element)) {
      arguments.emplace_back(std::move(*array));
    } else {
      arguments.push_back(std::move(std::get<hubcore::Value>(element)));
    }
  }
  return arguments;
}

}  // namespace

void ConnectionMessageConversion::RequestToProto(const ConnectionRequest& request,
                                                 v1::ConnectionRequest* out) {
  out->set_request_id(request.request_id);
  out->set_reply_replica(request.reply_replica);
  out->set_hub(request.hub);
  out->set_connection_id(request.connection_id);
  switch (request.action) {
    case ConnectionRequest::Action::kAddToGroup:
      out->mutable_add_to_group()->set_group(request.group);
      break;
    case ConnectionRequest::Action::kRemoveFromGroup:
      out->mutable_remove_from_group()->set_group(request.group);
      break;
    case ConnectionRequest::Action::kInvokeClient: {
      v1::InvokeClient* invoke = out->mutable_invoke_client();
      invoke->set_method(request.method);
      invoke->set_arguments_messagepack(EncodeArguments(request.arguments));
      // Clamped, not wrapped: an out-of-range wait is then refused by the codec's check.
      const int64_t timeout_ms = request.timeout.count();
      invoke->set_timeout_ms(timeout_ms < 0 ? 0
                             : timeout_ms > UINT32_MAX ? UINT32_MAX
                                                       : static_cast<uint32_t>(timeout_ms));
      break;
    }
    case ConnectionRequest::Action::kLocate:
      out->mutable_locate();
      break;
  }
}

absl::StatusOr<ConnectionRequest> ConnectionMessageConversion::RequestFromProto(
    v1::ConnectionRequest* request) {
  ConnectionRequest out;
  out.request_id = request->request_id();
  out.reply_replica = std::move(*request->mutable_reply_replica());
  out.hub = std::move(*request->mutable_hub());
  out.connection_id = std::move(*request->mutable_connection_id());
  switch (request->action_case()) {
    case v1::ConnectionRequest::kAddToGroup:
      out.action = ConnectionRequest::Action::kAddToGroup;
      out.group = std::move(*request->mutable_add_to_group()->mutable_group());
      break;
    case v1::ConnectionRequest::kRemoveFromGroup:
      out.action = ConnectionRequest::Action::kRemoveFromGroup;
      out.group = std::move(*request->mutable_remove_from_group()->mutable_group());
      break;
    case v1::ConnectionRequest::kInvokeClient: {
      v1::InvokeClient* invoke = request->mutable_invoke_client();
      out.action = ConnectionRequest::Action::kInvokeClient;
      out.method = std::move(*invoke->mutable_method());
      out.timeout = std::chrono::milliseconds(invoke->timeout_ms());
      auto arguments = DecodeArguments(invoke->arguments_messagepack());
      if (!arguments.ok()) {
        return arguments.status();
      }
      out.arguments = std::move(*arguments);
      break;
    }
    case v1::ConnectionRequest::kLocate:
    case v1::ConnectionRequest::ACTION_NOT_SET:  // refused by the codec before
      out.action = ConnectionRequest::Action::kLocate;
      break;
  }
  return out;
}

void ConnectionMessageConversion::ReplyToProto(const ConnectionReply& reply,
                                               v1::ConnectionReply* out) {
  out->set_request_id(reply.request_id);
  out->set_connection_id(reply.connection_id);
  out->set_found(reply.found);
  out->set_advertise_address(reply.advertise_address);
  if (!reply.client_result.has_value()) {
    return;
  }
  const absl::StatusOr<hubcore::ClientResult>& outcome = *reply.client_result;
  if (!outcome.ok()) {
    out->mutable_error()->set_code(static_cast<int32_t>(outcome.status().code()));
    out->mutable_error()->set_message(std::string(outcome.status().message()));
    return;
  }
  v1::ClientResult* result = out->mutable_client_result();
  result->set_is_error(outcome->is_error);
  if (outcome->is_error) {
    result->set_error(outcome->error);
  } else {
    hubcore::MessagePackValueCodec::Write(outcome->result, result->mutable_result_messagepack());
  }
}

absl::StatusOr<ConnectionReply> ConnectionMessageConversion::ReplyFromProto(
    v1::ConnectionReply* reply) {
  ConnectionReply out;
  out.request_id = reply->request_id();
  out.connection_id = std::move(*reply->mutable_connection_id());
  out.found = reply->found();
  out.advertise_address = std::move(*reply->mutable_advertise_address());
  if (reply->has_error()) {
    int code = reply->error().code();
    // A code this version does not know (a newer replica's) still means failure.
    auto status_code = code > 0 && code <= static_cast<int>(absl::StatusCode::kUnauthenticated)
                           ? static_cast<absl::StatusCode>(code)
                           : absl::StatusCode::kUnknown;
    out.client_result = absl::Status(status_code, reply->error().message());
  } else if (reply->has_client_result()) {
    v1::ClientResult* result = reply->mutable_client_result();
    hubcore::ClientResult client_result;
    client_result.is_error = result->is_error();
    if (result->is_error()) {
      client_result.error = std::move(*result->mutable_error());
    } else {
      auto value = hubcore::MessagePackValueCodec::Parse(result->result_messagepack());
      if (!value.ok()) {
        return Malformed("reply result", value.status());
      }
      client_result.result = std::move(*value);
    }
    out.client_result = std::move(client_result);
  }
  return out;
}

}  // namespace hubgate::gateway
