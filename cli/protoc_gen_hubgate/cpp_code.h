#pragma once

// Pieces of generated C++ that both emitters write: quoting, parameter lists, the comment
// naming a method's wire signature.

#include <string>
#include <vector>

#include "cli/protoc_gen_hubgate/contract_model.h"
#include "cli/protoc_gen_hubgate/cpp_names.h"

namespace hubgate::protoc_gen {

// The runtime's namespace, fully qualified (headers use no aliases).
inline constexpr char kTyped[] = "::hubgate::typed::";

std::string Quote(const std::string& text);
// "(\n      a,\n      b)": one parameter per line keeps every line short.
std::string ParameterList(const std::vector<std::string>& parameters);
// "type name" for each parameter.
std::vector<std::string> Declarations(const std::vector<CppParameter>& parameters);
// "CheckProbe(maybe, since) -> Tags", for the comment above a generated method.
std::string WireSignature(const ContractMethod& method);

}  // namespace hubgate::protoc_gen
