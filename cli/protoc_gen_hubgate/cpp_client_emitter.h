#pragma once

// The typed client proxies of a hub's client-methods service: a proxy per audience over the
// Push API, a single-connection proxy that also asks for client results, and the Clients
// class naming the audiences (docs/typed-hubs.md#c-backends).

#include <string>

#include "cli/protoc_gen_hubgate/contract_model.h"

namespace hubgate::protoc_gen {

// Appends the declarations (header) / definitions (source) for `hub.client_service`.
void EmitClientDeclaration(const ContractHub& hub, std::string& out);
void EmitClientDefinition(const ContractHub& hub, std::string& out);

}  // namespace hubgate::protoc_gen
