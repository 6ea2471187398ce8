#pragma once

// Contract messages to and from hubgate.v1.Value, the value model the gateway forwards, in the
// wire forms of docs/typed-hubs.md. Works by reflection over the message's descriptor, so the
// generated code stays small and every contract shares one tested conversion.
//
// Encoding writes the JSON form (camelCase or proto property names, enums as numbers,
// timestamps as timestamp_value, bytes as binary_value); the gateway turns timestamps and bytes
// into each protocol's form. Decoding accepts what either protocol's clients send: properties
// under their JSON, MessagePack or proto name, enums by number or C# member name, timestamps as
// timestamp_value or ISO-8601 strings with an offset, bytes as binary_value or base64 strings.

#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "hubgate/v1/contract.pb.h"
#include "hubgate/v1/push.pb.h"

namespace hubgate::typed {

// Values nested deeper than this are refused when decoding (the Push API's limit as well).
inline constexpr int kMaxValueDepth = 32;

// A message as a map Value (a DTO).
v1::Value EncodeMessage(const google::protobuf::Message& message, v1::WireNaming naming);
// One field of `message` as a Value: unset optional, wrapper and message fields are null, an
// unset Timestamp is C#'s default(DateTime), 0001-01-01T00:00:00Z.
v1::Value EncodeField(const google::protobuf::Message& message,
                      const google::protobuf::FieldDescriptor& field, v1::WireNaming naming);

// Replaces `message`'s content with the DTO in `value`. Errors name the property and what was
// expected, e.g. "totalBeds: expected an integer in the range of int32".
absl::Status DecodeMessage(const v1::Value& value, google::protobuf::Message& message);
// Sets one field of `message` from `value`.
absl::Status DecodeField(const v1::Value& value, const google::protobuf::FieldDescriptor& field,
                         google::protobuf::Message& message);

// A method's positional arguments as SignalR carries them: one per field of `request` with
// PARAMETERS (upload fields excepted: streams travel beside the arguments), the request as one
// object with OBJECT.
std::vector<v1::Value> EncodeArguments(const google::protobuf::Message& request,
                                       v1::ParameterMapping mapping, v1::WireNaming naming);
// The reverse. FailedPrecondition "Invocation provides 2 argument(s) but target expects 1." for
// a wrong count (ASP.NET's text), InvalidArgument naming the argument for a wrong value.
absl::Status DecodeArguments(const google::protobuf::RepeatedPtrField<v1::Value>& arguments,
                             v1::ParameterMapping mapping, google::protobuf::Message& request);

// A method's result (or one stream item): the response as an object with RESULT_OBJECT, the
// value of its one field with RESULT_FIELD.
v1::Value EncodeResult(const google::protobuf::Message& response, v1::ResultMapping mapping,
                       v1::WireNaming naming);
absl::Status DecodeResult(const v1::Value& value, v1::ResultMapping mapping,
                          google::protobuf::Message& response);

}  // namespace hubgate::typed
