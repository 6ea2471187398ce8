#pragma once

// The C++ protoc-gen-hubgate generates for backends: per hub, a base class implementing the
// HubHandler service with one virtual per hub method, and typed client proxies over the Push
// API (docs/typed-hubs.md#c-backends).

#include <string>

#include "cli/protoc_gen_hubgate/contract_model.h"

namespace hubgate::protoc_gen {

struct CppFiles {
  std::string header;  // <base>.hubgate.h
  std::string source;  // <base>.hubgate.cc
};

// `base` is the contract's path without ".proto" ("clinical/v1/clinical"), as protoc's C++
// generator names its files.
CppFiles EmitCpp(const Contract& contract, const std::string& base);

}  // namespace hubgate::protoc_gen
