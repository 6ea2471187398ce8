#pragma once

// A hub contract read from a .proto file and checked: the hubs it declares, their methods and
// the messages and enums they use (docs/typed-hubs.md). What the emitters generate from.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/descriptor.h"
#include "hubgate/v1/contract.pb.h"

namespace hubgate::protoc_gen {

struct ContractMethod {
  const google::protobuf::MethodDescriptor* rpc = nullptr;
  std::string wire_name;  // the name SignalR carries
  v1::ParameterMapping parameters = v1::PARAMETERS;
  v1::ResultMapping result = v1::RESULT_OBJECT;
  bool streaming = false;    // a stream() hub method
  bool returns_void = false;  // the response is google.protobuf.Empty
  uint32_t upload_streams = 0;  // fields marked (hubgate.v1.field).upload of the request
};

struct ContractHub {
  std::string name;  // hubs[].name
  std::string path;  // may be empty
  v1::WireNaming naming = v1::CAMEL_CASE;
  const google::protobuf::ServiceDescriptor* hub_service = nullptr;     // may be null
  const google::protobuf::ServiceDescriptor* client_service = nullptr;  // may be null
  std::vector<ContractMethod> hub_methods;
  std::vector<ContractMethod> client_methods;
};

struct Contract {
  const google::protobuf::FileDescriptor* file = nullptr;
  std::vector<ContractHub> hubs;
  // Every message and enum the hubs' methods use, directly or nested, in first-use order;
  // well-known types (Timestamp, wrappers, Empty) excluded.
  std::vector<const google::protobuf::Descriptor*> messages;
  std::vector<const google::protobuf::EnumDescriptor*> enums;
};

// Reads and checks the contract; an error names the file and the element, e.g.
// "clinical.proto: ClinicalDashboardHub.Watch: client-streaming RPCs are not hub methods ...".
absl::StatusOr<Contract> ReadContract(const google::protobuf::FileDescriptor& file);

// Types the wire mapping treats specially.
bool IsEmpty(const google::protobuf::Descriptor& type);
bool IsTimestamp(const google::protobuf::Descriptor& type);
bool IsWrapper(const google::protobuf::Descriptor& type);
// A `optional` scalar, a wrapper or a message (not Timestamp): C# `T?` or a reference.
bool IsNullable(const google::protobuf::FieldDescriptor& field);
// A client-to-server stream parameter: (hubgate.v1.field) = { upload: true }.
bool IsUpload(const google::protobuf::FieldDescriptor& field);

}  // namespace hubgate::protoc_gen
