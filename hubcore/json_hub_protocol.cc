#include "hubcore/json_hub_protocol.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "boost/json/monotonic_resource.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/parse_options.hpp"
#include "boost/json/serializer.hpp"
#include "boost/json/value.hpp"
#include "hubcore/hub_errors.h"
#include "hubcore/json_value_codec.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::hubcore {

namespace {

namespace json = boost::json;

constexpr std::string_view kTypeProperty = "type";
constexpr std::string_view kInvocationIdProperty = "invocationId";
constexpr std::string_view kTargetProperty = "target";
constexpr std::string_view kArgumentsProperty = "arguments";
constexpr std::string_view kStreamIdsProperty = "streamIds";
constexpr std::string_view kHeadersProperty = "headers";
constexpr std::string_view kItemProperty = "item";
constexpr std::string_view kResultProperty = "result";
constexpr std::string_view kErrorProperty = "error";
constexpr std::string_view kAllowReconnectProperty = "allowReconnect";
constexpr std::string_view kSequenceIdProperty = "sequenceId";

// System.Text.Json's default maximum depth.
constexpr size_t kMaxJsonDepth = 64;

// The .NET InvalidDataException texts (JsonHubProtocol.cs, SystemTextJsonExtensions.cs).
absl::Status MissingProperty(std::string_view name) {
  return HubProtocolError(absl::StrCat("Missing required property '", AsAbsl(name), "'."));
}

absl::Status ExpectedType(std::string_view name, std::string_view type) {
  return HubProtocolError(
      absl::StrCat("Expected '", AsAbsl(name), "' to be of type ", AsAbsl(type), "."));
}

// Names as .NET prints a JsonTokenType (GetTokenString).
std::string_view TokenName(const json::value& value) {
  switch (value.kind()) {
    case json::kind::object:
      return "Object";
    case json::kind::array:
      return "Array";
    case json::kind::string:
      return "String";
    case json::kind::bool_:
      return value.get_bool() ? "True" : "False";
    case json::kind::null:
      return "Null";
    default:
      return "Number";
  }
}

std::string ToStdString(const json::string& s) { return std::string(s.data(), s.size()); }

// An integral JSON number as int64, if it is one.
std::optional<int64_t> AsInt64(const json::value& value) {
  if (value.is_int64()) {
    return value.get_int64();
  }
  if (value.is_uint64() &&
      value.get_uint64() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return static_cast<int64_t>(value.get_uint64());
  }
  return std::nullopt;
}

// Every known property, read in document order (so the first bad one is reported, as .NET
// does). Payload values (arguments, item, result) are converted once the type is known.
struct Fields {
  std::optional<int64_t> type;
  std::optional<std::string> invocation_id;
  std::optional<std::string> target;
  std::optional<std::string> error;
  const json::array* arguments = nullptr;
  const json::value* item = nullptr;
  const json::value* result = nullptr;
  std::vector<std::string> stream_ids;
  Headers headers;
  bool allow_reconnect = false;
  std::optional<int64_t> sequence_id;
};

absl::Status ReadString(std::string_view name, const json::value& value,
                        std::optional<std::string>* out) {
  if (!value.is_string()) {
    return ExpectedType(name, "String");
  }
  *out = ToStdString(value.get_string());
  return absl::OkStatus();
}

absl::Status ReadHeaders(const json::value& value, Headers* headers) {
  if (!value.is_object()) {
    // .NET prints the raw JsonTokenType here, hence "StartObject".
    return ExpectedType(kHeadersProperty, "StartObject");
  }
  for (const auto& entry : value.get_object()) {
    if (!entry.value().is_string()) {
      return HubProtocolError(
          absl::StrCat("Expected header '", AsAbsl(entry.key()), "' to be of type String."));
    }
    headers->emplace_back(std::string(entry.key()), ToStdString(entry.value().get_string()));
  }
  return absl::OkStatus();
}

absl::Status ReadField(std::string_view name, const json::value& value, Fields* fields) {
  if (name == kTypeProperty) {
    if (value.is_null()) {
      return absl::OkStatus();  // Same as absent: "Missing required property 'type'."
    }
    std::optional<int64_t> type = AsInt64(value);
    if (!type.has_value() || *type < std::numeric_limits<int32_t>::min() ||
        *type > std::numeric_limits<int32_t>::max()) {
      return ExpectedType(kTypeProperty, "Number");
    }
    fields->type = type;
  } else if (name == kInvocationIdProperty) {
    return ReadString(name, value, &fields->invocation_id);
  } else if (name == kTargetProperty) {
    return ReadString(name, value, &fields->target);
  } else if (name == kErrorProperty) {
    return ReadString(name, value, &fields->error);
  } else if (name == kArgumentsProperty) {
    if (!value.is_array()) {
      return ExpectedType(kArgumentsProperty, "Array");
    }
    fields->arguments = &value.get_array();
  } else if (name == kStreamIdsProperty) {
    if (!value.is_array()) {
      return ExpectedType(kStreamIdsProperty, "Array");
    }
    fields->stream_ids.clear();
    for (const json::value& id : value.get_array()) {
      if (!id.is_string()) {
        return HubProtocolError("Expected 'streamIds' to contain only values of type String.");
      }
      fields->stream_ids.push_back(ToStdString(id.get_string()));
    }
  } else if (name == kHeadersProperty) {
    fields->headers.clear();
    return ReadHeaders(value, &fields->headers);
  } else if (name == kItemProperty) {
    fields->item = &value;
  } else if (name == kResultProperty) {
    fields->result = &value;
  } else if (name == kAllowReconnectProperty) {
    if (!value.is_bool()) {
      return HubProtocolError("Expected 'allowReconnect' to be true or false.");
    }
    fields->allow_reconnect = value.get_bool();
  } else if (name == kSequenceIdProperty) {
    if (value.is_null()) {
      return MissingProperty(kSequenceIdProperty);
    }
    fields->sequence_id = AsInt64(value);
    if (!fields->sequence_id.has_value()) {
      return ExpectedType(kSequenceIdProperty, "Number");
    }
  }
  // Anything else is skipped, for forward compatibility.
  return absl::OkStatus();
}

std::vector<Value> ConvertArguments(const json::array& arguments) {
  std::vector<Value> values;
  values.reserve(arguments.size());
  for (const json::value& argument : arguments) {
    values.push_back(JsonValueCodec::FromJson(argument));
  }
  return values;
}

absl::StatusOr<HubMessage> BuildMessage(Fields& f) {
  if (!f.type.has_value()) {
    return MissingProperty(kTypeProperty);
  }
  // Ids and targets must be non-empty (.NET checks string.IsNullOrEmpty), in .NET's order.
  const bool has_id = f.invocation_id.has_value() && !f.invocation_id->empty();
  const bool has_target = f.target.has_value() && !f.target->empty();
  switch (static_cast<MessageType>(*f.type)) {
    case MessageType::kInvocation:
      if (!has_target) {
        return MissingProperty(kTargetProperty);
      }
      if (f.arguments == nullptr) {
        return MissingProperty(kArgumentsProperty);
      }
      if (!has_id) {
        f.invocation_id.reset();  // an empty id also means "no completion wanted"
      }
      return InvocationMessage{std::move(f.headers), std::move(f.invocation_id),
                               std::move(*f.target), ConvertArguments(*f.arguments),
                               std::move(f.stream_ids)};
    case MessageType::kStreamItem:
      if (!has_id) {
        return MissingProperty(kInvocationIdProperty);
      }
      if (f.item == nullptr) {
        return MissingProperty(kItemProperty);
      }
      return StreamItemMessage{std::move(f.headers), std::move(*f.invocation_id),
                               JsonValueCodec::FromJson(*f.item)};
    case MessageType::kCompletion: {
      if (!has_id) {
        return MissingProperty(kInvocationIdProperty);
      }
      if (f.error.has_value() && f.result != nullptr) {
        return HubProtocolError("The 'error' and 'result' properties are mutually exclusive.");
      }
      CompletionMessage message{std::move(f.headers), std::move(*f.invocation_id),
                                std::move(f.error), std::nullopt};
      if (f.result != nullptr) {
        message.result = JsonValueCodec::FromJson(*f.result);  // may be null: still a result
      }
      return message;
    }
    case MessageType::kStreamInvocation:
      if (!has_id) {
        return MissingProperty(kInvocationIdProperty);
      }
      if (f.arguments == nullptr) {
        return MissingProperty(kArgumentsProperty);
      }
      if (!has_target) {
        return MissingProperty(kTargetProperty);
      }
      return StreamInvocationMessage{std::move(f.headers), std::move(*f.invocation_id),
                                     std::move(*f.target), ConvertArguments(*f.arguments),
                                     std::move(f.stream_ids)};
    case MessageType::kCancelInvocation:
      if (!has_id) {
        return MissingProperty(kInvocationIdProperty);
      }
      return CancelInvocationMessage{std::move(f.headers), std::move(*f.invocation_id)};
    case MessageType::kPing:
      return PingMessage{};
    case MessageType::kClose:
      return CloseMessage{std::move(f.error), f.allow_reconnect};
    case MessageType::kAck:
    case MessageType::kSequence:
      if (!f.sequence_id.has_value()) {
        return MissingProperty(kSequenceIdProperty);
      }
      if (*f.type == static_cast<int>(MessageType::kAck)) {
        return AckMessage{*f.sequence_id};
      }
      return SequenceMessage{*f.sequence_id};
  }
  // Future protocol versions may add message types; old peers ignore them.
  return absl::NotFoundError(absl::StrCat("Unknown hub message type ", *f.type, "."));
}

// ---- Writing ----

void PutHeaders(const Headers& headers, json::object* object) {
  if (headers.empty()) {
    return;
  }
  json::object out;
  out.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    out.insert_or_assign(name, json::string(value));
  }
  object->emplace(kHeadersProperty, std::move(out));
}

json::array ArgumentsToJson(const std::vector<Value>& arguments) {
  json::array array;
  array.reserve(arguments.size());
  for (const Value& argument : arguments) {
    array.push_back(JsonValueCodec::ToJson(argument));
  }
  return array;
}

void PutStreamIds(const std::vector<std::string>& stream_ids, json::object* object) {
  if (stream_ids.empty()) {
    return;
  }
  json::array array;
  array.reserve(stream_ids.size());
  for (const std::string& id : stream_ids) {
    array.emplace_back(json::string(id));
  }
  object->emplace(kStreamIdsProperty, std::move(array));
}

// Headers first, then the id (.NET's order); an empty id is left out, as .NET does.
void PutHeadersAndId(const Headers& headers, std::string_view id, json::object* object) {
  PutHeaders(headers, object);
  if (!id.empty()) {
    object->emplace(kInvocationIdProperty, json::string(id));
  }
}

template <typename Invocation>  // InvocationMessage or StreamInvocationMessage
void PutInvocation(const Invocation& m, std::string_view id, json::object* object) {
  PutHeadersAndId(m.headers, id, object);
  object->emplace(kTargetProperty, json::string(m.target));
  object->emplace(kArgumentsProperty, ArgumentsToJson(m.arguments));
  PutStreamIds(m.stream_ids, object);
}

// Adds the properties after "type".
struct PropertyWriter {
  json::object* object;

  void operator()(const InvocationMessage& m) const {
    // Fire-and-forget: no "invocationId" at all.
    PutInvocation(m, m.invocation_id ? std::string_view(*m.invocation_id) : "", object);
  }
  void operator()(const StreamInvocationMessage& m) const {
    PutInvocation(m, m.invocation_id, object);
  }
  void operator()(const StreamItemMessage& m) const {
    PutHeadersAndId(m.headers, m.invocation_id, object);
    object->emplace(kItemProperty, JsonValueCodec::ToJson(m.item));
  }
  void operator()(const CompletionMessage& m) const {
    PutHeadersAndId(m.headers, m.invocation_id, object);
    if (m.error.has_value()) {
      object->emplace(kErrorProperty, json::string(*m.error));
    } else if (m.result.has_value()) {
      object->emplace(kResultProperty, JsonValueCodec::ToJson(*m.result));
    }
  }
  void operator()(const CancelInvocationMessage& m) const {
    PutHeadersAndId(m.headers, m.invocation_id, object);
  }
  void operator()(const PingMessage&) const {}
  void operator()(const CloseMessage& m) const {
    if (m.error.has_value()) {
      object->emplace(kErrorProperty, json::string(*m.error));
    }
    if (m.allow_reconnect) {
      object->emplace(kAllowReconnectProperty, true);
    }
  }
  void operator()(const AckMessage& m) const {
    object->emplace(kSequenceIdProperty, m.sequence_id);
  }
  void operator()(const SequenceMessage& m) const {
    object->emplace(kSequenceIdProperty, m.sequence_id);
  }
};

// Serializes straight into the output buffer (no intermediate string).
void AppendSerialized(const json::value& value, std::string* out) {
  json::serializer serializer;
  serializer.reset(&value);
  size_t chunk = 256;
  while (!serializer.done()) {
    const size_t old_size = out->size();
    out->resize(old_size + chunk);
    const std::string_view written = serializer.read(out->data() + old_size, chunk);
    out->resize(old_size + written.size());
    chunk = std::min<size_t>(chunk * 2, size_t{1} << 20);
  }
}

}  // namespace

absl::StatusOr<HubMessage> JsonHubProtocol::Parse(std::string_view payload) {
  // The DOM is only needed until the message is built; small messages fit the stack buffer.
  unsigned char buffer[4096];
  json::monotonic_resource arena(buffer, sizeof(buffer));
  json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  const json::value root = json::parse(payload, ec, &arena, options);
  if (ec) {
    return HubProtocolError("Error reading JSON.");
  }
  if (!root.is_object()) {
    return HubProtocolError(absl::StrCat("Unexpected JSON Token Type '", AsAbsl(TokenName(root)),
                                         "'. Expected a JSON Object."));
  }
  Fields fields;
  for (const auto& entry : root.get_object()) {
    absl::Status status = ReadField(entry.key(), entry.value(), &fields);
    if (!status.ok()) {
      return status;
    }
  }
  return BuildMessage(fields);
}

void JsonHubProtocol::Write(const HubMessage& message, std::string* out) {
  json::value root(json::object_kind);
  json::object& object = root.get_object();
  object.reserve(6);
  object.emplace(kTypeProperty, static_cast<int>(TypeOf(message)));
  std::visit(PropertyWriter{&object}, message);
  AppendSerialized(root, out);
  out->push_back(kRecordSeparator);
}

}  // namespace hubgate::hubcore
