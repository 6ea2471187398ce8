#include "services/proto_conversion.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "hubcore/json_value_codec.h"

namespace hubgate::services {
namespace {

// google.protobuf.Timestamp's documented range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z,
// which is also what an ISO-8601 string in the JSON protocol can express.
constexpr int64_t kMinTimestampSeconds = -62'135'596'800;
constexpr int64_t kMaxTimestampSeconds = 253'402'300'799;
constexpr int32_t kMaxNanos = 999'999'999;

absl::Status TooDeepError() {
  return absl::InvalidArgumentError(absl::StrCat("arguments: value nested deeper than ",
                                                 ProtoConversion::kMaxValueDepth, " levels"));
}

absl::Status EmptyError(absl::string_view field) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": must not be empty"));
}

absl::Status RequiredError(absl::string_view field) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
}

absl::StatusOr<hubcore::Timestamp> TimestampFromProto(const google::protobuf::Timestamp& ts) {
  if (ts.nanos() < 0 || ts.nanos() > kMaxNanos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "arguments: timestamp nanos must be in [0, ", kMaxNanos, "], got ", ts.nanos()));
  }
  if (ts.seconds() < kMinTimestampSeconds || ts.seconds() > kMaxTimestampSeconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        "arguments: timestamp seconds must be within years 0001..9999, got ", ts.seconds()));
  }
  return hubcore::Timestamp{ts.seconds(), static_cast<uint32_t>(ts.nanos())};
}

// `depth` is the nesting level of `value`, 1 for an argument itself.
absl::StatusOr<hubcore::Value> Convert(const v1::Value& value, int depth) {
  if (depth > ProtoConversion::kMaxValueDepth) {
    return TooDeepError();
  }
  switch (value.kind_case()) {
    case v1::Value::KIND_NOT_SET:
    case v1::Value::kNullValue:
      return hubcore::Value();
    case v1::Value::kBoolValue:
      return hubcore::Value(value.bool_value());
    case v1::Value::kIntValue:
      return hubcore::Value(static_cast<int64_t>(value.int_value()));
    case v1::Value::kUintValue:
      return hubcore::Value(static_cast<uint64_t>(value.uint_value()));
    case v1::Value::kDoubleValue:
      return hubcore::Value(value.double_value());
    case v1::Value::kStringValue:
      return hubcore::Value(value.string_value());
    case v1::Value::kBinaryValue:
      return hubcore::Value(hubcore::Binary{value.binary_value()});
    case v1::Value::kTimestampValue: {
      absl::StatusOr<hubcore::Timestamp> ts = TimestampFromProto(value.timestamp_value());
      if (!ts.ok()) {
        return ts.status();
      }
      return hubcore::Value(*ts);
    }
    case v1::Value::kListValue: {
      hubcore::ValueArray items;
      items.reserve(value.list_value().values_size());
      for (const v1::Value& item : value.list_value().values()) {
        absl::StatusOr<hubcore::Value> converted = Convert(item, depth + 1);
        if (!converted.ok()) {
          return converted.status();
        }
        items.push_back(*std::move(converted));
      }
      return hubcore::Value(std::move(items));
    }
    case v1::Value::kMapValue: {
      // Protobuf maps have no defined iteration order; sort so equal requests give equal bytes.
      std::vector<const google::protobuf::MapPair<std::string, v1::Value>*> entries;
      entries.reserve(value.map_value().fields().size());
      for (const auto& entry : value.map_value().fields()) {
        entries.push_back(&entry);
      }
      std::sort(entries.begin(), entries.end(),
                [](const auto* a, const auto* b) { return a->first < b->first; });
      hubcore::ValueMap fields;
      fields.reserve(entries.size());
      for (const auto* entry : entries) {
        absl::StatusOr<hubcore::Value> converted = Convert(entry->second, depth + 1);
        if (!converted.ok()) {
          return converted.status();
        }
        fields.emplace_back(entry->first, *std::move(converted));
      }
      return hubcore::Value(std::move(fields));
    }
  }
  return absl::InvalidArgumentError("arguments: unknown value kind");
}

// Nesting depth of a Value (1 for a scalar), stopping early once past the limit.
int DepthOf(const hubcore::Value& value, int depth) {
  if (depth > ProtoConversion::kMaxValueDepth) {
    return depth;
  }
  int deepest = depth;
  if (const auto* items = value.TryAs<hubcore::ValueArray>()) {
    for (const hubcore::Value& item : *items) {
      deepest = std::max(deepest, DepthOf(item, depth + 1));
    }
  } else if (const auto* fields = value.TryAs<hubcore::ValueMap>()) {
    for (const auto& [key, item] : *fields) {
      deepest = std::max(deepest, DepthOf(item, depth + 1));
    }
  }
  return deepest;
}

absl::StatusOr<std::vector<hubcore::Value>> ArgumentsFromJson(const std::string& text) {
  absl::StatusOr<hubcore::Value> parsed = hubcore::JsonValueCodec::Parse(text);
  if (!parsed.ok()) {
    absl::string_view detail = parsed.status().message();
    constexpr absl::string_view kPrefix = "invalid JSON: ";
    if (absl::StartsWithIgnoreCase(detail, kPrefix)) {  // don't say it twice
      detail.remove_prefix(kPrefix.size());
    }
    return absl::InvalidArgumentError(absl::StrCat("arguments_json: invalid JSON: ", detail));
  }
  const auto* items = parsed->TryAs<hubcore::ValueArray>();
  if (items == nullptr) {
    return absl::InvalidArgumentError("arguments_json: expected a JSON array, e.g. [1, \"a\"]");
  }
  for (const hubcore::Value& item : *items) {
    if (DepthOf(item, 1) > ProtoConversion::kMaxValueDepth) {
      return TooDeepError();
    }
  }
  return *items;
}

// Copies a list of ids, rejecting an empty list and empty entries. `field` names the list,
// e.g. "groups.groups".
absl::StatusOr<std::vector<std::string>> NonEmptyList(
    const google::protobuf::RepeatedPtrField<std::string>& list, absl::string_view field) {
  if (list.empty()) {
    return EmptyError(field);
  }
  std::vector<std::string> names;
  names.reserve(list.size());
  for (int i = 0; i < list.size(); ++i) {
    if (list.Get(i).empty()) {
      return EmptyError(absl::StrCat(field, "[", i, "]"));
    }
    names.push_back(list.Get(i));
  }
  return names;
}

// Copies an optional exclusion list, rejecting empty entries.
absl::StatusOr<std::vector<std::string>> ExceptList(
    const google::protobuf::RepeatedPtrField<std::string>& list, absl::string_view field) {
  if (list.empty()) {
    return std::vector<std::string>();
  }
  return NonEmptyList(list, field);
}

// The `payload` oneof (arguments or arguments_json) that SendRequest and InvokeClientRequest
// share.
template <typename Request>
absl::StatusOr<std::vector<hubcore::Value>> ArgumentsFrom(const Request& request) {
  switch (request.payload_case()) {
    case Request::PAYLOAD_NOT_SET:
      return std::vector<hubcore::Value>();
    case Request::kArgumentsJson:
      return ArgumentsFromJson(request.arguments_json());
    case Request::kArguments: {
      std::vector<hubcore::Value> arguments;
      arguments.reserve(request.arguments().values_size());
      for (const v1::Value& value : request.arguments().values()) {
        absl::StatusOr<hubcore::Value> converted = Convert(value, 1);
        if (!converted.ok()) {
          return converted.status();
        }
        arguments.push_back(*std::move(converted));
      }
      return arguments;
    }
  }
  return absl::InvalidArgumentError("arguments: unknown payload kind");
}

void ToProto(const hubcore::Value& value, v1::Value* out) {
  struct Visitor {
    v1::Value* out;
    void operator()(std::monostate) const { out->set_null_value(google::protobuf::NULL_VALUE); }
    void operator()(bool v) const { out->set_bool_value(v); }
    void operator()(int64_t v) const { out->set_int_value(v); }
    void operator()(uint64_t v) const { out->set_uint_value(v); }
    void operator()(double v) const { out->set_double_value(v); }
    void operator()(const std::string& v) const { out->set_string_value(v); }
    void operator()(const hubcore::Binary& v) const { out->set_binary_value(v.bytes); }
    void operator()(const hubcore::Timestamp& v) const {
      google::protobuf::Timestamp* ts = out->mutable_timestamp_value();
      ts->set_seconds(v.seconds);
      ts->set_nanos(static_cast<int32_t>(v.nanos));
    }
    void operator()(const hubcore::ValueArray& v) const {
      v1::ValueList* list = out->mutable_list_value();
      list->mutable_values()->Reserve(static_cast<int>(v.size()));
      for (const hubcore::Value& item : v) {
        ToProto(item, list->add_values());
      }
    }
    void operator()(const hubcore::ValueMap& v) const {
      auto& fields = *out->mutable_map_value()->mutable_fields();
      for (const auto& [key, item] : v) {
        v1::Value& slot = fields[key];
        slot.Clear();
        ToProto(item, &slot);
      }
    }
  };
  std::visit(Visitor{out}, value.storage());
}

}  // namespace

absl::StatusOr<hubcore::Value> ProtoConversion::ValueFromProto(const v1::Value& value) {
  return Convert(value, 1);
}

void ProtoConversion::ValueToProto(const hubcore::Value& value, v1::Value* out) {
  out->Clear();
  ToProto(value, out);
}

v1::Value ProtoConversion::ValueToProto(const hubcore::Value& value) {
  v1::Value out;
  ToProto(value, &out);
  return out;
}

absl::StatusOr<std::vector<hubcore::Value>> ProtoConversion::ArgumentsFromRequest(
    const v1::SendRequest& request) {
  return ArgumentsFrom(request);
}

absl::StatusOr<std::vector<hubcore::Value>> ProtoConversion::ArgumentsFromRequest(
    const v1::InvokeClientRequest& request) {
  return ArgumentsFrom(request);
}

absl::StatusOr<hubcore::Audience> ProtoConversion::AudienceFromRequest(
    const v1::SendRequest& request) {
  switch (request.audience_case()) {
    case v1::SendRequest::AUDIENCE_NOT_SET:
      break;
    case v1::SendRequest::kAll: {
      auto except = ExceptList(request.all().except_connection_ids(), "all.except_connection_ids");
      if (!except.ok()) {
        return except.status();
      }
      return hubcore::Audience::All(*std::move(except));
    }
    case v1::SendRequest::kConnectionId:
      if (request.connection_id().empty()) {
        return EmptyError("connection_id");
      }
      return hubcore::Audience::Connections({request.connection_id()});
    case v1::SendRequest::kConnections: {
      auto ids = NonEmptyList(request.connections().connection_ids(), "connections.connection_ids");
      if (!ids.ok()) {
        return ids.status();
      }
      return hubcore::Audience::Connections(*std::move(ids));
    }
    case v1::SendRequest::kGroup: {
      if (request.group().group().empty()) {
        return EmptyError("group.group");
      }
      auto except =
          ExceptList(request.group().except_connection_ids(), "group.except_connection_ids");
      if (!except.ok()) {
        return except.status();
      }
      return hubcore::Audience::Groups({request.group().group()}, *std::move(except));
    }
    case v1::SendRequest::kGroups: {
      auto groups = NonEmptyList(request.groups().groups(), "groups.groups");
      if (!groups.ok()) {
        return groups.status();
      }
      return hubcore::Audience::Groups(*std::move(groups));
    }
    case v1::SendRequest::kUserId:
      if (request.user_id().empty()) {
        return EmptyError("user_id");
      }
      return hubcore::Audience::Users({request.user_id()});
    case v1::SendRequest::kUsers: {
      auto users = NonEmptyList(request.users().user_ids(), "users.user_ids");
      if (!users.ok()) {
        return users.status();
      }
      return hubcore::Audience::Users(*std::move(users));
    }
  }
  return absl::InvalidArgumentError(
      "audience: one of all, connection_id, connections, group, groups, user_id, users is "
      "required");
}

absl::Status ProtoConversion::ValidateSendRequest(const v1::SendRequest& request) {
  if (request.hub().empty()) {
    return RequiredError("hub");
  }
  if (request.method().empty()) {
    return RequiredError("method");
  }
  return absl::OkStatus();
}

absl::Status ProtoConversion::ValidateGroupRequest(const v1::GroupMembershipRequest& request) {
  if (request.hub().empty()) {
    return RequiredError("hub");
  }
  if (request.connection_id().empty()) {
    return RequiredError("connection_id");
  }
  if (request.group().empty()) {
    return RequiredError("group");
  }
  return absl::OkStatus();
}

absl::Status ProtoConversion::ValidateInvokeClientRequest(const v1::InvokeClientRequest& request) {
  if (request.hub().empty()) {
    return RequiredError("hub");
  }
  if (request.connection_id().empty()) {
    return RequiredError("connection_id");
  }
  if (request.method().empty()) {
    return RequiredError("method");
  }
  if (request.timeout_ms() > kMaxInvokeClientTimeoutMs) {
    return absl::InvalidArgumentError(absl::StrCat("timeout_ms: must be at most ",
                                                   kMaxInvokeClientTimeoutMs, " (10 minutes)"));
  }
  return absl::OkStatus();
}

std::chrono::milliseconds ProtoConversion::InvokeClientTimeout(
    const v1::InvokeClientRequest& request) {
  return std::chrono::milliseconds(request.timeout_ms() == 0 ? kDefaultInvokeClientTimeoutMs
                                                             : request.timeout_ms());
}

}  // namespace hubgate::services
