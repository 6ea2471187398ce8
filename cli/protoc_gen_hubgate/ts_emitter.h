#pragma once

// The TypeScript protoc-gen-hubgate generates for browsers: an interface per message, an enum
// per enum, and per hub a typed wrapper around the official HubConnection
// (docs/typed-hubs.md#typescript-browsers).

#include <string>

#include "cli/protoc_gen_hubgate/contract_model.h"

namespace hubgate::protoc_gen {

// The content of <base>.hubgate.ts.
std::string EmitTypeScript(const Contract& contract);

}  // namespace hubgate::protoc_gen
