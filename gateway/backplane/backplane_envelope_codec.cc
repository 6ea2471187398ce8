#include "gateway/backplane/backplane_envelope_codec.h"

#include <climits>
#include <initializer_list>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gateway/backplane/connection_message_conversion.h"
#include "hubcore/check.h"
#include "hubcore/string_view_compat.h"
#include "hubgate/backplane/v1/backplane.pb.h"

namespace hubgate::gateway {

namespace v1 = ::hubgate::backplane::v1;

namespace {

absl::Status Malformed(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("backplane envelope: ", AsAbsl(what)));
}

// A text field: present when required, never longer than max_name_bytes.
struct NameField {
  std::string_view field;
  std::string_view value;
  bool required = true;
};

absl::Status CheckNames(std::initializer_list<NameField> fields, const EnvelopeLimits& limits) {
  for (const NameField& name : fields) {
    if (name.required && name.value.empty()) {
      return Malformed(absl::StrCat(AsAbsl(name.field), " is missing"));
    }
    if (name.value.size() > limits.max_name_bytes) {
      return Malformed(
          absl::StrCat(AsAbsl(name.field), " is longer than ", limits.max_name_bytes, " bytes"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckNameList(std::string_view field,
                           const google::protobuf::RepeatedPtrField<std::string>& names,
                           const EnvelopeLimits& limits) {
  if (static_cast<size_t>(names.size()) > limits.max_names) {
    return Malformed(absl::StrCat(AsAbsl(field), ": more than ", limits.max_names, " names"));
  }
  for (const std::string& name : names) {
    if (absl::Status s = CheckNames({{field, name, false}}, limits); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

// Checks a push in its wire form: what Encode may send is exactly what Decode accepts.
absl::Status CheckPush(const v1::Push& push, const EnvelopeLimits& limits) {
  if (absl::Status s = CheckNames({{"push message_id", push.message_id()},
                                   {"push origin_replica", push.origin_replica(), false},
                                   {"push hub", push.hub()},
                                   {"push method", push.method()}},
                                  limits);
      !s.ok()) {
    return s;
  }
  const v1::Audience& audience = push.audience();
  if (audience.kind() == v1::Audience::KIND_UNSPECIFIED ||
      !v1::Audience::Kind_IsValid(audience.kind())) {
    return Malformed("push audience has no known kind");
  }
  if (absl::Status s = CheckNameList("push audience names", audience.names(), limits); !s.ok()) {
    return s;
  }
  if (absl::Status s = CheckNameList("push audience excluded_connection_ids",
                                     audience.excluded_connection_ids(), limits);
      !s.ok()) {
    return s;
  }
  if (push.json_frame().empty() || push.messagepack_frame().empty()) {
    return Malformed("push lacks a json or messagepack frame");
  }
  return absl::OkStatus();
}

absl::Status CheckRequest(const v1::ConnectionRequest& request, const EnvelopeLimits& limits) {
  if (absl::Status s = CheckNames({{"request reply_replica", request.reply_replica()},
                                   {"request hub", request.hub()},
                                   {"request connection_id", request.connection_id()}},
                                  limits);
      !s.ok()) {
    return s;
  }
  switch (request.action_case()) {
    case v1::ConnectionRequest::kAddToGroup:
      return CheckNames({{"request group", request.add_to_group().group()}}, limits);
    case v1::ConnectionRequest::kRemoveFromGroup:
      return CheckNames({{"request group", request.remove_from_group().group()}}, limits);
    case v1::ConnectionRequest::kInvokeClient: {
      const v1::InvokeClient& invoke = request.invoke_client();
      if (invoke.timeout_ms() == 0 ||
          std::chrono::milliseconds(invoke.timeout_ms()) > limits.max_invoke_timeout) {
        return Malformed(absl::StrCat("request timeout_ms must be 1..",
                                      limits.max_invoke_timeout.count()));
      }
      return CheckNames({{"request method", invoke.method()}}, limits);
    }
    case v1::ConnectionRequest::kLocate:
      return absl::OkStatus();
    case v1::ConnectionRequest::ACTION_NOT_SET:
      break;
  }
  return Malformed("request has no known action (sent by a newer replica?)");
}

absl::Status CheckReply(const v1::ConnectionReply& reply, const EnvelopeLimits& limits) {
  if (absl::Status s = CheckNames({{"reply connection_id", reply.connection_id()},
                                   {"reply advertise_address", reply.advertise_address(), false}},
                                  limits);
      !s.ok()) {
    return s;
  }
  if (reply.has_error() && reply.error().code() == 0) {
    return Malformed("reply error has the code of success");
  }
  return absl::OkStatus();
}

v1::Audience::Kind KindToProto(hubcore::Audience::Kind kind) {
  switch (kind) {
    case hubcore::Audience::Kind::kAll: return v1::Audience::ALL;
    case hubcore::Audience::Kind::kConnections: return v1::Audience::CONNECTIONS;
    case hubcore::Audience::Kind::kGroups: return v1::Audience::GROUPS;
    case hubcore::Audience::Kind::kUsers: return v1::Audience::USERS;
  }
  HUBGATE_CHECK(false, "unknown audience kind");
}

hubcore::Audience::Kind KindFromProto(v1::Audience::Kind kind) {
  switch (kind) {
    case v1::Audience::CONNECTIONS: return hubcore::Audience::Kind::kConnections;
    case v1::Audience::GROUPS: return hubcore::Audience::Kind::kGroups;
    case v1::Audience::USERS: return hubcore::Audience::Kind::kUsers;
    default: return hubcore::Audience::Kind::kAll;  // CheckPush refused the unknown ones
  }
}

std::vector<std::string> TakeNames(google::protobuf::RepeatedPtrField<std::string>* names) {
  std::vector<std::string> out;
  out.reserve(names->size());
  for (std::string& name : *names) {
    out.push_back(std::move(name));
  }
  return out;
}

void PushToProto(const BackplanePush& push, v1::Push* out) {
  HUBGATE_CHECK(push.json_frame != nullptr && push.messagepack_frame != nullptr,
                "a backplane push carries both frames");
  out->set_message_id(push.message_id);
  out->set_origin_replica(push.origin_replica);
  out->set_hub(push.hub);
  out->set_method(push.method);
  v1::Audience* audience = out->mutable_audience();
  audience->set_kind(KindToProto(push.audience.kind));
  audience->mutable_names()->Add(push.audience.names.begin(), push.audience.names.end());
  audience->mutable_excluded_connection_ids()->Add(
      push.audience.excluded_connection_ids.begin(), push.audience.excluded_connection_ids.end());
  out->set_json_frame(*push.json_frame);
  out->set_messagepack_frame(*push.messagepack_frame);
}

BackplanePush PushFromProto(v1::Push* push) {
  BackplanePush out;
  out.message_id = std::move(*push->mutable_message_id());
  out.origin_replica = std::move(*push->mutable_origin_replica());
  out.hub = std::move(*push->mutable_hub());
  out.method = std::move(*push->mutable_method());
  v1::Audience* audience = push->mutable_audience();
  out.audience.kind = KindFromProto(audience->kind());
  out.audience.names = TakeNames(audience->mutable_names());
  out.audience.excluded_connection_ids = TakeNames(audience->mutable_excluded_connection_ids());
  out.json_frame = hubcore::MakeFrame(std::move(*push->mutable_json_frame()));
  out.messagepack_frame = hubcore::MakeFrame(std::move(*push->mutable_messagepack_frame()));
  return out;
}

}  // namespace

BackplaneEnvelopeCodec::BackplaneEnvelopeCodec(EnvelopeLimits limits) : limits_(limits) {
  HUBGATE_CHECK(limits_.max_envelope_bytes <= static_cast<size_t>(INT_MAX),
                "protobuf parses at most INT_MAX bytes");
}

absl::StatusOr<std::string> BackplaneEnvelopeCodec::Encode(
    const BackplaneEnvelope& envelope) const {
  v1::Envelope proto;
  absl::Status valid;
  if (const auto* push = std::get_if<BackplanePush>(&envelope)) {
    PushToProto(*push, proto.mutable_push());
    valid = CheckPush(proto.push(), limits_);
  } else if (const auto* request = std::get_if<ConnectionRequest>(&envelope)) {
    ConnectionMessageConversion::RequestToProto(*request, proto.mutable_request());
    valid = CheckRequest(proto.request(), limits_);
  } else {
    ConnectionMessageConversion::ReplyToProto(std::get<ConnectionReply>(envelope),
                                              proto.mutable_reply());
    valid = CheckReply(proto.reply(), limits_);
  }
  if (!valid.ok()) {
    return valid;
  }
  const size_t size = proto.ByteSizeLong();
  if (size > limits_.max_envelope_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("backplane envelope of ", size, " bytes exceeds the limit of ",
                     limits_.max_envelope_bytes, " bytes"));
  }
  return proto.SerializeAsString();
}

absl::StatusOr<BackplaneEnvelope> BackplaneEnvelopeCodec::Decode(std::string_view bytes) const {
  if (bytes.size() > limits_.max_envelope_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("backplane envelope of ", bytes.size(), " bytes exceeds the limit of ",
                     limits_.max_envelope_bytes, " bytes"));
  }
  v1::Envelope proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return Malformed("not a hubgate.backplane.v1.Envelope");
  }
  switch (proto.kind_case()) {
    case v1::Envelope::kPush:
      if (absl::Status s = CheckPush(proto.push(), limits_); !s.ok()) {
        return s;
      }
      return PushFromProto(proto.mutable_push());
    case v1::Envelope::kRequest: {
      if (absl::Status s = CheckRequest(proto.request(), limits_); !s.ok()) {
        return s;
      }
      auto request = ConnectionMessageConversion::RequestFromProto(proto.mutable_request());
      if (!request.ok()) {
        return request.status();
      }
      return std::move(*request);
    }
    case v1::Envelope::kReply: {
      if (absl::Status s = CheckReply(proto.reply(), limits_); !s.ok()) {
        return s;
      }
      auto reply = ConnectionMessageConversion::ReplyFromProto(proto.mutable_reply());
      if (!reply.ok()) {
        return reply.status();
      }
      return std::move(*reply);
    }
    case v1::Envelope::KIND_NOT_SET:
      break;
  }
  return Malformed("no known kind (sent by a newer replica?)");
}

}  // namespace hubgate::gateway
