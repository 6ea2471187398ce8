#pragma once

// What value_encoding.cc and value_decoding.cc share: the well-known types the wire mapping
// treats specially (docs/typed-hubs.md#wire-mapping).

#include "google/protobuf/descriptor.h"
#include "hubgate/v1/contract.pb.h"

namespace hubgate::typed::internal {

inline bool IsTimestamp(const google::protobuf::FieldDescriptor& field) {
  return field.message_type() != nullptr &&
         field.message_type()->full_name() == "google.protobuf.Timestamp";
}

// google.protobuf.Int32Value and its siblings: a nullable scalar, carried as its `value`.
inline bool IsWrapper(const google::protobuf::FieldDescriptor& field) {
  const google::protobuf::Descriptor* type = field.message_type();
  return type != nullptr && type->file()->name() == "google/protobuf/wrappers.proto";
}

// A client-to-server stream parameter: not among the positional arguments.
inline bool IsUpload(const google::protobuf::FieldDescriptor& field) {
  return field.options().GetExtension(v1::field).upload();
}

}  // namespace hubgate::typed::internal
