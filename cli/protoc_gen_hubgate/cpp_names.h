#pragma once

// How contract elements are spelt in the generated C++: protobuf's own C++ names for messages,
// enums and accessors, and the parameter types generated methods take (docs/typed-hubs.md).

#include <string>
#include <vector>

#include "cli/protoc_gen_hubgate/contract_model.h"
#include "google/protobuf/descriptor.h"

namespace hubgate::protoc_gen {

// "::clinical::v1::WardCapacity" (nested messages joined with '_', as protobuf does).
std::string CppClassName(const google::protobuf::Descriptor& type);
std::string CppEnumName(const google::protobuf::EnumDescriptor& type);
// "clinical::v1" for package clinical.v1 (empty without a package).
std::string CppNamespace(const google::protobuf::FileDescriptor& file);
// "::hubgate::v1::CAMEL_CASE" and friends.
std::string CppNamingConstant(v1::WireNaming naming);
std::string CppParametersConstant(v1::ParameterMapping mapping);
std::string CppResultConstant(v1::ResultMapping mapping);

// One parameter of a generated method.
struct CppParameter {
  std::string type;  // "const std::string&", "std::optional<int32_t>", ...
  std::string name;
  std::string read;  // the argument, read from the decoded request message `args`
  std::string store;  // a statement storing it into a request message `request`
};

// The parameters a method's request message maps to.
std::vector<CppParameter> CppParameters(const google::protobuf::Descriptor& request,
                                        v1::ParameterMapping mapping);

}  // namespace hubgate::protoc_gen
