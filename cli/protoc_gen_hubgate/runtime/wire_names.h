#pragma once

// The names a contract's elements have on the wire and in generated code, following the C#
// names protobuf's C# generator would give them, since the wire forms are ASP.NET Core's
// (docs/typed-hubs.md). Shared by protoc-gen-hubgate and the runtime of the generated C++.

#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "hubgate/v1/contract.pb.h"

namespace hubgate::typed {

// protobuf's C# property name rule: `ward_id` -> "WardId", `value2x` -> "Value2X".
std::string PascalCaseName(absl::string_view snake_name);

// A DTO property's name in JSON: the field's json_name (lowerCamelCase, or as set explicitly)
// under CAMEL_CASE; the field's own name under PROTO_NAMES unless json_name was set explicitly.
std::string JsonPropertyName(const google::protobuf::FieldDescriptor& field,
                             v1::WireNaming naming);

// A DTO property's name in MessagePack: the C# declared name (PascalCase) under CAMEL_CASE;
// the field's own name under PROTO_NAMES; an explicit json_name in both.
std::string MessagePackPropertyName(const google::protobuf::FieldDescriptor& field,
                                    v1::WireNaming naming);

// The C# member name of an enum value: the enum's name prefix removed, then PascalCase
// (`WARD_STATUS_IN_USE` of `WardStatus` -> "InUse"), as protobuf's C# generator names it.
std::string EnumMemberName(const google::protobuf::EnumValueDescriptor& value);

}  // namespace hubgate::typed
