// Decoding half of value_codec.h: hubgate.v1.Value, in either protocol's form, to contract
// messages, with errors that name the property and what was expected.
#include "cli/protoc_gen_hubgate/runtime/value_codec.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "cli/protoc_gen_hubgate/runtime/value_kinds.h"
#include "cli/protoc_gen_hubgate/runtime/wire_names.h"

namespace hubgate::typed {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using internal::IsTimestamp;
using internal::IsWrapper;

absl::string_view KindName(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kBoolValue: return "a boolean";
    case v1::Value::kIntValue: return "an integer";
    case v1::Value::kUintValue: return "an integer";
    case v1::Value::kDoubleValue: return "a floating-point number";
    case v1::Value::kStringValue: return "a string";
    case v1::Value::kBinaryValue: return "binary data";
    case v1::Value::kTimestampValue: return "a timestamp";
    case v1::Value::kListValue: return "a list";
    case v1::Value::kMapValue: return "an object";
    default: return "null";
  }
}

absl::Status Mismatch(absl::string_view expected, const v1::Value& value) {
  return absl::InvalidArgumentError(absl::StrCat("expected ", expected, ", got ", KindName(value)));
}

absl::Status InContext(absl::string_view where, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(where, ": ", status.message()));
}

absl::StatusOr<int64_t> ToSigned(const v1::Value& value, int64_t min, int64_t max,
                                 absl::string_view type) {
  const std::string expected = absl::StrCat("an integer in the range of ", type);
  if (value.kind_case() == v1::Value::kIntValue) {
    if (value.int_value() < min || value.int_value() > max) {
      return absl::InvalidArgumentError(absl::StrCat("expected ", expected, ", got ",
                                                     value.int_value()));
    }
    return value.int_value();
  }
  if (value.kind_case() == v1::Value::kUintValue) {
    if (value.uint_value() > static_cast<uint64_t>(max)) {
      return absl::InvalidArgumentError(absl::StrCat("expected ", expected, ", got ",
                                                     value.uint_value()));
    }
    return static_cast<int64_t>(value.uint_value());
  }
  return Mismatch(expected, value);
}

absl::StatusOr<uint64_t> ToUnsigned(const v1::Value& value, uint64_t max, absl::string_view type) {
  const std::string expected = absl::StrCat("an integer in the range of ", type);
  if (value.kind_case() == v1::Value::kUintValue && value.uint_value() <= max) {
    return value.uint_value();
  }
  if (value.kind_case() == v1::Value::kIntValue && value.int_value() >= 0 &&
      static_cast<uint64_t>(value.int_value()) <= max) {
    return static_cast<uint64_t>(value.int_value());
  }
  return Mismatch(expected, value);
}

// Floating-point parameters take integers too, as System.Text.Json reads 1 as 1.0.
absl::StatusOr<double> ToDouble(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kDoubleValue: return value.double_value();
    case v1::Value::kIntValue: return static_cast<double>(value.int_value());
    case v1::Value::kUintValue: return static_cast<double>(value.uint_value());
    default: return Mismatch("a number", value);
  }
}

absl::StatusOr<int> ToEnum(const v1::Value& value, const EnumDescriptor& type) {
  if (value.kind_case() == v1::Value::kStringValue) {
    for (int i = 0; i < type.value_count(); ++i) {
      const google::protobuf::EnumValueDescriptor& candidate = *type.value(i);
      if (value.string_value() == EnumMemberName(candidate) ||
          value.string_value() == candidate.name()) {
        return candidate.number();
      }
    }
    return absl::InvalidArgumentError(
        absl::StrCat("'", value.string_value(), "' is not a member of ", type.name()));
  }
  // Any number, as System.Text.Json binds undeclared enum numbers too.
  absl::StatusOr<int64_t> number = ToSigned(value, std::numeric_limits<int32_t>::min(),
                                            std::numeric_limits<int32_t>::max(), type.name());
  if (!number.ok()) {
    return Mismatch(absl::StrCat("a number or member name of ", type.name()), value);
  }
  return static_cast<int>(*number);
}

absl::Status DecodeTimestamp(const v1::Value& value, Message& timestamp) {
  int64_t seconds = 0;
  int32_t nanos = 0;
  if (value.kind_case() == v1::Value::kTimestampValue) {
    seconds = value.timestamp_value().seconds();
    nanos = value.timestamp_value().nanos();
  } else if (value.kind_case() == v1::Value::kStringValue) {
    absl::Time time;
    std::string error;
    // RFC 3339 demands an offset ("Z" or "+02:00"): a local time would be ambiguous.
    if (!absl::ParseTime(absl::RFC3339_full, value.string_value(), &time, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected an ISO-8601 timestamp with an offset, got '",
                       value.string_value(), "'"));
    }
    seconds = absl::ToUnixSeconds(time);
    nanos = static_cast<int32_t>((time - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1));
  } else {
    return Mismatch("a timestamp", value);
  }
  const Reflection& reflection = *timestamp.GetReflection();
  const google::protobuf::Descriptor& type = *timestamp.GetDescriptor();
  reflection.SetInt64(&timestamp, type.FindFieldByNumber(1), seconds);
  reflection.SetInt32(&timestamp, type.FindFieldByNumber(2), nanos);
  return absl::OkStatus();
}

absl::Status DecodeMessageAt(const v1::Value& value, Message& message, int depth);

// Decodes one scalar (or message) and stores it: into the singular field, or appended to the
// repeated field.
absl::Status DecodeScalar(const v1::Value& value, const FieldDescriptor& field, Message& message,
                          int depth) {
  const Reflection& r = *message.GetReflection();
  const bool repeated = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64: {
      const bool is32 = field.cpp_type() == FieldDescriptor::CPPTYPE_INT32;
      absl::StatusOr<int64_t> number =
          is32 ? ToSigned(value, std::numeric_limits<int32_t>::min(),
                          std::numeric_limits<int32_t>::max(), "int32")
               : ToSigned(value, std::numeric_limits<int64_t>::min(),
                          std::numeric_limits<int64_t>::max(), "int64");
      if (!number.ok()) return number.status();
      if (is32) {
        repeated ? r.AddInt32(&message, &field, static_cast<int32_t>(*number))
                 : r.SetInt32(&message, &field, static_cast<int32_t>(*number));
      } else {
        repeated ? r.AddInt64(&message, &field, *number) : r.SetInt64(&message, &field, *number);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64: {
      const bool is32 = field.cpp_type() == FieldDescriptor::CPPTYPE_UINT32;
      absl::StatusOr<uint64_t> number =
          is32 ? ToUnsigned(value, std::numeric_limits<uint32_t>::max(), "uint32")
               : ToUnsigned(value, std::numeric_limits<uint64_t>::max(), "uint64");
      if (!number.ok()) return number.status();
      if (is32) {
        repeated ? r.AddUInt32(&message, &field, static_cast<uint32_t>(*number))
                 : r.SetUInt32(&message, &field, static_cast<uint32_t>(*number));
      } else {
        repeated ? r.AddUInt64(&message, &field, *number) : r.SetUInt64(&message, &field, *number);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_FLOAT:
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      absl::StatusOr<double> number = ToDouble(value);
      if (!number.ok()) return number.status();
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        const float narrow = static_cast<float>(*number);
        repeated ? r.AddFloat(&message, &field, narrow) : r.SetFloat(&message, &field, narrow);
      } else {
        repeated ? r.AddDouble(&message, &field, *number) : r.SetDouble(&message, &field, *number);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      if (value.kind_case() != v1::Value::kBoolValue) return Mismatch("a boolean", value);
      repeated ? r.AddBool(&message, &field, value.bool_value())
               : r.SetBool(&message, &field, value.bool_value());
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_ENUM: {
      absl::StatusOr<int> number = ToEnum(value, *field.enum_type());
      if (!number.ok()) return number.status();
      repeated ? r.AddEnumValue(&message, &field, *number)
               : r.SetEnumValue(&message, &field, *number);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string text;
      if (field.type() == FieldDescriptor::TYPE_BYTES) {
        if (value.kind_case() == v1::Value::kBinaryValue) {
          text = value.binary_value();
        } else if (value.kind_case() != v1::Value::kStringValue ||
                   !absl::Base64Unescape(value.string_value(), &text)) {
          return Mismatch("binary data or a base64 string", value);
        }
      } else {
        if (value.kind_case() != v1::Value::kStringValue) return Mismatch("a string", value);
        text = value.string_value();
      }
      repeated ? r.AddString(&message, &field, std::move(text))
               : r.SetString(&message, &field, std::move(text));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      Message& nested = repeated ? *r.AddMessage(&message, &field)
                                 : *r.MutableMessage(&message, &field);
      if (IsTimestamp(field)) {
        return DecodeTimestamp(value, nested);
      }
      if (IsWrapper(field)) {
        return DecodeScalar(value, *field.message_type()->FindFieldByNumber(1), nested, depth);
      }
      return DecodeMessageAt(value, nested, depth + 1);
    }
  }
  return absl::OkStatus();
}

bool IsNull(const v1::Value& value) {
  return value.kind_case() == v1::Value::KIND_NOT_SET ||
         value.kind_case() == v1::Value::kNullValue;
}

absl::Status DecodeFieldAt(const v1::Value& value, const FieldDescriptor& field, Message& message,
                           int depth) {
  if (depth > kMaxValueDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("values are nested deeper than ", kMaxValueDepth, " levels"));
  }
  const Reflection& r = *message.GetReflection();
  if (IsNull(value)) {
    // C# reference types (strings, byte[], lists, dictionaries, classes) and nullables take
    // null; value types refuse it, as .NET's binders do.
    const bool reference_like = field.is_repeated() || field.has_presence() ||
                                field.cpp_type() == FieldDescriptor::CPPTYPE_STRING;
    if (!reference_like || IsTimestamp(field)) {
      return absl::InvalidArgumentError("expected a value, got null");
    }
    r.ClearField(&message, &field);
    return absl::OkStatus();
  }
  if (field.is_map()) {
    if (value.kind_case() != v1::Value::kMapValue) return Mismatch("an object", value);
    r.ClearField(&message, &field);
    const FieldDescriptor& key = *field.message_type()->FindFieldByNumber(1);
    const FieldDescriptor& mapped = *field.message_type()->FindFieldByNumber(2);
    for (const auto& [name, item] : value.map_value().fields()) {
      Message& entry = *r.AddMessage(&message, &field);
      entry.GetReflection()->SetString(&entry, &key, name);
      if (IsNull(item) && mapped.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
          !IsTimestamp(mapped)) {
        continue;  // a null DTO or nullable stays an empty entry
      }
      if (absl::Status status = DecodeScalar(item, mapped, entry, depth + 1); !status.ok()) {
        return InContext(absl::StrCat("[\"", name, "\"]"), status);
      }
    }
    return absl::OkStatus();
  }
  if (field.is_repeated()) {
    if (value.kind_case() != v1::Value::kListValue) return Mismatch("a list", value);
    r.ClearField(&message, &field);
    const auto& items = value.list_value().values();
    for (int i = 0; i < items.size(); ++i) {
      if (absl::Status status = DecodeScalar(items[i], field, message, depth + 1); !status.ok()) {
        return InContext(absl::StrCat("[", i, "]"), status);
      }
    }
    return absl::OkStatus();
  }
  return DecodeScalar(value, field, message, depth);
}

// The field a DTO property names: its JSON, MessagePack or proto name under either naming.
const FieldDescriptor* FindProperty(const google::protobuf::Descriptor& type,
                                    const std::string& name) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    if (name == field.name() || name == JsonPropertyName(field, v1::CAMEL_CASE) ||
        name == MessagePackPropertyName(field, v1::CAMEL_CASE)) {
      return &field;
    }
  }
  return nullptr;
}

absl::Status DecodeMessageAt(const v1::Value& value, Message& message, int depth) {
  if (depth > kMaxValueDepth) {
    return absl::InvalidArgumentError(
        absl::StrCat("values are nested deeper than ", kMaxValueDepth, " levels"));
  }
  message.Clear();
  if (IsNull(value)) {
    return absl::OkStatus();
  }
  if (value.kind_case() != v1::Value::kMapValue) {
    return Mismatch(absl::StrCat("an object (", message.GetDescriptor()->name(), ")"), value);
  }
  for (const auto& [name, item] : value.map_value().fields()) {
    const FieldDescriptor* field = FindProperty(*message.GetDescriptor(), name);
    if (field == nullptr) {
      continue;  // unknown properties are ignored, as System.Text.Json does
    }
    if (absl::Status status = DecodeFieldAt(item, *field, message, depth); !status.ok()) {
      return InContext(name, status);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status DecodeMessage(const v1::Value& value, Message& message) {
  return DecodeMessageAt(value, message, 0);
}

absl::Status DecodeField(const v1::Value& value, const FieldDescriptor& field, Message& message) {
  return DecodeFieldAt(value, field, message, 0);
}

absl::Status DecodeArguments(const google::protobuf::RepeatedPtrField<v1::Value>& arguments,
                             v1::ParameterMapping mapping, Message& request) {
  const google::protobuf::Descriptor& type = *request.GetDescriptor();
  // Upload fields are streams, sent beside the arguments (SignalR's streamIds).
  std::vector<const FieldDescriptor*> parameters;
  for (int i = 0; i < type.field_count(); ++i) {
    if (!internal::IsUpload(*type.field(i))) {
      parameters.push_back(type.field(i));
    }
  }
  const int expected = mapping == v1::OBJECT ? 1 : static_cast<int>(parameters.size());
  if (arguments.size() != expected) {
    return absl::FailedPreconditionError(absl::StrCat("Invocation provides ", arguments.size(),
                                                      " argument(s) but target expects ",
                                                      expected, "."));
  }
  request.Clear();
  if (mapping == v1::OBJECT) {
    if (absl::Status status = DecodeMessage(arguments[0], request); !status.ok()) {
      return InContext("argument 1", status);
    }
    return absl::OkStatus();
  }
  for (int i = 0; i < expected; ++i) {
    const FieldDescriptor& field = *parameters[i];
    if (absl::Status status = DecodeField(arguments[i], field, request); !status.ok()) {
      return InContext(absl::StrCat("argument ", i + 1, " (", field.json_name(), ")"), status);
    }
  }
  return absl::OkStatus();
}

absl::Status DecodeResult(const v1::Value& value, v1::ResultMapping mapping, Message& response) {
  response.Clear();
  absl::Status status =
      mapping == v1::RESULT_FIELD
          ? DecodeField(value, *response.GetDescriptor()->field(0), response)
          : DecodeMessage(value, response);
  return status.ok() ? status : InContext("result", status);
}

}  // namespace hubgate::typed
