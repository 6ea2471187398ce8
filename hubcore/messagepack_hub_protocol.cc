#include "hubcore/messagepack_hub_protocol.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "hubcore/binary_message_reader.h"
#include "hubcore/hub_errors.h"
#include "hubcore/messagepack_value_codec.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::hubcore {

namespace {

constexpr int kErrorResult = MessagePackHubProtocol::kErrorResult;
constexpr int kVoidResult = MessagePackHubProtocol::kVoidResult;
constexpr int kNonVoidResult = MessagePackHubProtocol::kNonVoidResult;

using Elements = std::vector<MessagePackElement>;

// The scalar in an element, or nullptr when the element is an array.
const Value* ScalarOf(const MessagePackElement& element) { return std::get_if<Value>(&element); }

// ---- Reading, with the .NET InvalidDataException texts ----

absl::Status TooShort(std::string_view name, size_t expected, size_t actual) {
  return HubProtocolError(absl::StrCat("Invalid payload for ", AsAbsl(name),
                                       " message: expected at least ", expected, " elements, got ",
                                       actual, "."));
}

absl::Status NullOrEmpty(std::string_view what) {
  return HubProtocolError(absl::StrCat("Null or empty ", AsAbsl(what), "."));
}

absl::StatusOr<int64_t> ReadInt64(const MessagePackElement& element, std::string_view field) {
  const Value* value = ScalarOf(element);
  if (value != nullptr && value->Is<int64_t>()) {
    return value->As<int64_t>();
  }
  return HubProtocolError(absl::StrCat("Reading '", AsAbsl(field), "' as Int64 failed."));
}

absl::StatusOr<int32_t> ReadInt32(const MessagePackElement& element, std::string_view field) {
  const Value* value = ScalarOf(element);
  if (value != nullptr && value->Is<int64_t>() &&
      value->As<int64_t>() >= std::numeric_limits<int32_t>::min() &&
      value->As<int64_t>() <= std::numeric_limits<int32_t>::max()) {
    return static_cast<int32_t>(value->As<int64_t>());
  }
  return HubProtocolError(absl::StrCat("Reading '", AsAbsl(field), "' as Int32 failed."));
}

// A string or nil (nullopt), as MessagePackReader.ReadString() returns.
absl::StatusOr<std::optional<std::string>> ReadString(const MessagePackElement& element,
                                                      std::string_view field) {
  const Value* value = ScalarOf(element);
  if (value != nullptr && value->IsNull()) {
    return std::nullopt;
  }
  if (value != nullptr && value->Is<std::string>()) {
    return value->As<std::string>();
  }
  return HubProtocolError(absl::StrCat("Reading '", AsAbsl(field), "' as String failed."));
}

// A string that must be present and non-empty (ids and targets).
absl::StatusOr<std::string> ReadRequiredString(const MessagePackElement& element,
                                               std::string_view field, std::string_view what) {
  absl::StatusOr<std::optional<std::string>> value = ReadString(element, field);
  if (!value.ok()) {
    return value.status();
  }
  if (!value->has_value() || (*value)->empty()) {
    return NullOrEmpty(what);
  }
  return std::move(**value);
}

absl::Status ReadHeaders(const MessagePackElement& element, Headers* headers) {
  const Value* value = ScalarOf(element);
  if (value != nullptr && value->IsNull()) {
    return absl::OkStatus();  // The JS reader accepts nil as "no headers"; so do we.
  }
  if (value == nullptr || !value->Is<ValueMap>()) {
    return HubProtocolError("Reading map length for 'headers' failed.");
  }
  const ValueMap& map = value->As<ValueMap>();
  headers->reserve(map.size());
  for (size_t i = 0; i < map.size(); ++i) {
    const auto& [key, header] = map[i];
    if (key.empty()) {
      return NullOrEmpty("key in header");
    }
    if (!header.Is<std::string>()) {
      return HubProtocolError(absl::StrCat("Reading 'headers[", i, "].Value' as String failed."));
    }
    if (header.As<std::string>().empty()) {
      return NullOrEmpty("value in header");
    }
    headers->emplace_back(key, header.As<std::string>());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Value>> TakeArguments(MessagePackElement& element) {
  if (auto* array = std::get_if<ValueArray>(&element)) {
    return std::move(*array);
  }
  return HubProtocolError("Reading array length for 'arguments' failed.");
}

absl::StatusOr<std::vector<std::string>> ReadStreamIds(const MessagePackElement& element) {
  std::vector<std::string> ids;
  const auto* array = std::get_if<ValueArray>(&element);
  if (array == nullptr) {
    const Value* value = ScalarOf(element);
    if (value != nullptr && value->IsNull()) {
      return ids;
    }
    return HubProtocolError("Reading array length for 'streamIds' failed.");
  }
  ids.reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    const Value& id = (*array)[i];
    if (!id.Is<std::string>()) {
      return HubProtocolError(absl::StrCat("Reading 'streamIds[", i, "]' as String failed."));
    }
    if (id.As<std::string>().empty()) {
      return NullOrEmpty("value in streamIds received");
    }
    ids.push_back(id.As<std::string>());
  }
  return ids;
}

Value TakeValue(MessagePackElement& element) {
  if (auto* array = std::get_if<ValueArray>(&element)) {
    return Value(std::move(*array));
  }
  return std::move(std::get<Value>(element));
}

// Invocation and StreamInvocation share their layout:
// [type, headers, invocationId, target, arguments, streamIds?].
template <typename Message>
absl::StatusOr<HubMessage> ParseInvocation(Elements& e, std::string_view name) {
  constexpr bool kStreaming = std::is_same_v<Message, StreamInvocationMessage>;
  if (e.size() < 5) {
    return TooShort(name, 5, e.size());
  }
  Message message;
  absl::Status status = ReadHeaders(e[1], &message.headers);
  if (!status.ok()) {
    return status;
  }
  absl::StatusOr<std::optional<std::string>> id = ReadString(e[2], "invocationId");
  if (!id.ok()) {
    return id.status();
  }
  const bool has_id = id->has_value() && !(*id)->empty();
  if constexpr (kStreaming) {
    if (!has_id) {
      return NullOrEmpty("invocation ID for StreamInvocation message");
    }
    message.invocation_id = std::move(**id);
  } else if (has_id) {
    message.invocation_id = std::move(**id);  // nil or "" mean fire-and-forget
  }
  absl::StatusOr<std::optional<std::string>> target = ReadString(e[3], "target");
  if (!target.ok()) {
    return target.status();
  }
  if (!target->has_value() || (*target)->empty()) {
    return NullOrEmpty(absl::StrCat("target for ", AsAbsl(name), " message"));
  }
  message.target = std::move(**target);
  absl::StatusOr<std::vector<Value>> arguments = TakeArguments(e[4]);
  if (!arguments.ok()) {
    return arguments.status();
  }
  message.arguments = std::move(*arguments);
  if (e.size() > 5) {
    absl::StatusOr<std::vector<std::string>> stream_ids = ReadStreamIds(e[5]);
    if (!stream_ids.ok()) {
      return stream_ids.status();
    }
    message.stream_ids = std::move(*stream_ids);
  }
  return message;
}

absl::StatusOr<HubMessage> ParseStreamItem(Elements& e) {
  if (e.size() < 4) {
    return TooShort("StreamItem", 4, e.size());
  }
  StreamItemMessage message;
  absl::Status status = ReadHeaders(e[1], &message.headers);
  if (!status.ok()) {
    return status;
  }
  absl::StatusOr<std::string> id =
      ReadRequiredString(e[2], "invocationId", "invocation ID for StreamItem message");
  if (!id.ok()) {
    return id.status();
  }
  message.invocation_id = std::move(*id);
  message.item = TakeValue(e[3]);
  return message;
}

absl::StatusOr<HubMessage> ParseCompletion(Elements& e) {
  if (e.size() < 4) {
    return TooShort("Completion", 4, e.size());
  }
  CompletionMessage message;
  absl::Status status = ReadHeaders(e[1], &message.headers);
  if (!status.ok()) {
    return status;
  }
  absl::StatusOr<std::string> id =
      ReadRequiredString(e[2], "invocationId", "invocation ID for Completion message");
  if (!id.ok()) {
    return id.status();
  }
  message.invocation_id = std::move(*id);
  absl::StatusOr<int32_t> kind = ReadInt32(e[3], "resultKind");
  if (!kind.ok()) {
    return kind.status();
  }
  if (*kind != kErrorResult && *kind != kVoidResult && *kind != kNonVoidResult) {
    return HubProtocolError("Invalid invocation result kind.");
  }
  if (*kind != kVoidResult && e.size() < 5) {
    return TooShort("Completion", 5, e.size());
  }
  if (*kind == kErrorResult) {
    // As in .NET, a nil error leaves a void completion.
    absl::StatusOr<std::optional<std::string>> error = ReadString(e[4], "error");
    if (!error.ok()) {
      return error.status();
    }
    message.error = std::move(*error);
  } else if (*kind == kNonVoidResult) {
    message.result = TakeValue(e[4]);  // nil is still a result
  }
  return message;
}

absl::StatusOr<HubMessage> ParseCancelInvocation(Elements& e) {
  if (e.size() < 3) {
    return TooShort("CancelInvocation", 3, e.size());
  }
  CancelInvocationMessage message;
  absl::Status status = ReadHeaders(e[1], &message.headers);
  if (!status.ok()) {
    return status;
  }
  absl::StatusOr<std::string> id =
      ReadRequiredString(e[2], "invocationId", "invocation ID for CancelInvocation message");
  if (!id.ok()) {
    return id.status();
  }
  message.invocation_id = std::move(*id);
  return message;
}

absl::StatusOr<HubMessage> ParseClose(Elements& e) {
  if (e.size() < 2) {
    return TooShort("Close", 2, e.size());
  }
  CloseMessage message;
  absl::StatusOr<std::optional<std::string>> error = ReadString(e[1], "error");
  if (!error.ok()) {
    return error.status();
  }
  message.error = std::move(*error);  // an empty string is still an error
  if (e.size() > 2) {
    const Value* allow = ScalarOf(e[2]);
    if (allow == nullptr || !allow->Is<bool>()) {
      return HubProtocolError("Reading 'allowReconnect' as Boolean failed.");
    }
    message.allow_reconnect = allow->As<bool>();
  }
  return message;
}

template <typename Message>
absl::StatusOr<HubMessage> ParseSequenceId(Elements& e, std::string_view name) {
  if (e.size() < 2) {
    return TooShort(name, 2, e.size());
  }
  absl::StatusOr<int64_t> id = ReadInt64(e[1], "sequenceId");
  if (!id.ok()) {
    return id.status();
  }
  return Message{*id};
}

}  // namespace

absl::StatusOr<HubMessage> MessagePackHubProtocol::Parse(std::string_view payload) {
  absl::StatusOr<Elements> parsed = MessagePackValueCodec::ParseArray(payload);
  if (!parsed.ok()) {
    return parsed.status();
  }
  Elements& e = *parsed;
  if (e.empty()) {
    return HubProtocolError("Invalid payload: the message array is empty.");
  }
  absl::StatusOr<int32_t> type = ReadInt32(e[0], "messageType");
  if (!type.ok()) {
    return type.status();
  }
  switch (static_cast<MessageType>(*type)) {
    case MessageType::kInvocation:
      return ParseInvocation<InvocationMessage>(e, "Invocation");
    case MessageType::kStreamItem:
      return ParseStreamItem(e);
    case MessageType::kCompletion:
      return ParseCompletion(e);
    case MessageType::kStreamInvocation:
      return ParseInvocation<StreamInvocationMessage>(e, "StreamInvocation");
    case MessageType::kCancelInvocation:
      return ParseCancelInvocation(e);
    case MessageType::kPing:
      return PingMessage{};
    case MessageType::kClose:
      return ParseClose(e);
    case MessageType::kAck:
      return ParseSequenceId<AckMessage>(e, "Ack");
    case MessageType::kSequence:
      return ParseSequenceId<SequenceMessage>(e, "Sequence");
  }
  // Future protocol versions may add message types; old peers ignore them.
  return absl::NotFoundError(absl::StrCat("Unknown hub message type ", *type, "."));
}

}  // namespace hubgate::hubcore
