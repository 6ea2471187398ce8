// Encoding half of value_codec.h: contract messages to hubgate.v1.Value in the JSON form.
#include "cli/protoc_gen_hubgate/runtime/value_codec.h"

#include <cstdint>
#include <string>

#include "cli/protoc_gen_hubgate/runtime/value_kinds.h"
#include "cli/protoc_gen_hubgate/runtime/wire_names.h"

namespace hubgate::typed {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using internal::IsTimestamp;
using internal::IsWrapper;

// 0001-01-01T00:00:00Z, C#'s default(DateTime), in Unix seconds.
constexpr int64_t kDefaultDateTimeSeconds = -62135596800;

v1::Value Null() {
  v1::Value value;
  value.set_null_value(google::protobuf::NULL_VALUE);
  return value;
}


v1::Value EncodeMessageAt(const Message& message, v1::WireNaming naming);

v1::Value EncodeTimestamp(const Message& timestamp) {
  const Reflection& reflection = *timestamp.GetReflection();
  const google::protobuf::Descriptor& type = *timestamp.GetDescriptor();
  v1::Value value;
  value.mutable_timestamp_value()->set_seconds(
      reflection.GetInt64(timestamp, type.FindFieldByNumber(1)));
  value.mutable_timestamp_value()->set_nanos(
      reflection.GetInt32(timestamp, type.FindFieldByNumber(2)));
  return value;
}

// Element `index` of a repeated field, or the singular field when index < 0.
v1::Value EncodeScalar(const Message& message, const FieldDescriptor& field, int index,
                       v1::WireNaming naming) {
  const Reflection& r = *message.GetReflection();
  const bool repeated = index >= 0;
  v1::Value value;
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      value.set_int_value(repeated ? r.GetRepeatedInt32(message, &field, index)
                                   : r.GetInt32(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      value.set_int_value(repeated ? r.GetRepeatedInt64(message, &field, index)
                                   : r.GetInt64(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      value.set_uint_value(repeated ? r.GetRepeatedUInt32(message, &field, index)
                                    : r.GetUInt32(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      value.set_uint_value(repeated ? r.GetRepeatedUInt64(message, &field, index)
                                    : r.GetUInt64(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      value.set_double_value(repeated ? r.GetRepeatedFloat(message, &field, index)
                                      : r.GetFloat(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      value.set_double_value(repeated ? r.GetRepeatedDouble(message, &field, index)
                                      : r.GetDouble(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      value.set_bool_value(repeated ? r.GetRepeatedBool(message, &field, index)
                                    : r.GetBool(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      value.set_int_value(repeated ? r.GetRepeatedEnumValue(message, &field, index)
                                   : r.GetEnumValue(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string text = repeated ? r.GetRepeatedString(message, &field, index)
                                  : r.GetString(message, &field);
      if (field.type() == FieldDescriptor::TYPE_BYTES) {
        value.set_binary_value(std::move(text));
      } else {
        value.set_string_value(std::move(text));
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Message& nested = repeated ? r.GetRepeatedMessage(message, &field, index)
                                       : r.GetMessage(message, &field);
      if (IsTimestamp(field)) {
        return EncodeTimestamp(nested);
      }
      if (IsWrapper(field)) {
        return EncodeScalar(nested, *field.message_type()->FindFieldByNumber(1), -1, naming);
      }
      return EncodeMessageAt(nested, naming);
    }
  }
  return value;
}

v1::Value EncodeMessageAt(const Message& message, v1::WireNaming naming) {
  v1::Value value;
  auto& fields = *value.mutable_map_value()->mutable_fields();
  const google::protobuf::Descriptor& type = *message.GetDescriptor();
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    fields[JsonPropertyName(field, naming)] = EncodeField(message, field, naming);
  }
  return value;
}

}  // namespace

v1::Value EncodeMessage(const Message& message, v1::WireNaming naming) {
  return EncodeMessageAt(message, naming);
}

v1::Value EncodeField(const Message& message, const FieldDescriptor& field,
                      v1::WireNaming naming) {
  const Reflection& r = *message.GetReflection();
  v1::Value value;
  if (field.is_map()) {
    auto& entries = *value.mutable_map_value()->mutable_fields();
    const FieldDescriptor& key = *field.message_type()->FindFieldByNumber(1);
    const FieldDescriptor& mapped = *field.message_type()->FindFieldByNumber(2);
    for (int i = 0; i < r.FieldSize(message, &field); ++i) {
      const Message& entry = r.GetRepeatedMessage(message, &field, i);
      entries[entry.GetReflection()->GetString(entry, &key)] =
          EncodeField(entry, mapped, naming);
    }
    return value;
  }
  if (field.is_repeated()) {
    auto& items = *value.mutable_list_value()->mutable_values();
    for (int i = 0; i < r.FieldSize(message, &field); ++i) {
      *items.Add() = EncodeScalar(message, field, i, naming);
    }
    return value;
  }
  if (field.has_presence() && !r.HasField(message, &field)) {
    if (IsTimestamp(field)) {
      // C#'s DateTime is never null: an unset one is default(DateTime), 0001-01-01T00:00:00Z.
      v1::Value value;
      value.mutable_timestamp_value()->set_seconds(kDefaultDateTimeSeconds);
      return value;
    }
    return Null();
  }
  return EncodeScalar(message, field, -1, naming);
}

std::vector<v1::Value> EncodeArguments(const Message& request, v1::ParameterMapping mapping,
                                       v1::WireNaming naming) {
  std::vector<v1::Value> arguments;
  if (mapping == v1::OBJECT) {
    arguments.push_back(EncodeMessage(request, naming));
    return arguments;
  }
  const google::protobuf::Descriptor& type = *request.GetDescriptor();
  for (int i = 0; i < type.field_count(); ++i) {
    if (!internal::IsUpload(*type.field(i))) {  // streams travel beside the arguments
      arguments.push_back(EncodeField(request, *type.field(i), naming));
    }
  }
  return arguments;
}

v1::Value EncodeResult(const Message& response, v1::ResultMapping mapping,
                       v1::WireNaming naming) {
  if (mapping == v1::RESULT_FIELD) {
    return EncodeField(response, *response.GetDescriptor()->field(0), naming);
  }
  return EncodeMessage(response, naming);
}

}  // namespace hubgate::typed
