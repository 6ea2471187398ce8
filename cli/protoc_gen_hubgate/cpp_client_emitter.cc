#include "cli/protoc_gen_hubgate/cpp_client_emitter.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/protoc_gen_hubgate/cpp_code.h"
#include "cli/protoc_gen_hubgate/cpp_names.h"

namespace hubgate::protoc_gen {
namespace {

std::string ProxyName(const ContractHub& hub) {
  return absl::StrCat(hub.client_service->name(), "Proxy");
}

std::string SingleProxyName(const ContractHub& hub) {
  return absl::StrCat(hub.client_service->name(), "SingleProxy");
}

std::vector<std::string> ProxyParameters(const ContractMethod& method) {
  std::vector<std::string> parameters =
      Declarations(CppParameters(*method.rpc->input_type(), method.parameters));
  parameters.push_back(
      method.returns_void
          ? absl::StrCat(kTyped, "SendDone done")
          : absl::StrCat("std::function<void(absl::StatusOr<",
                         CppClassName(*method.rpc->output_type()), ">)> done"));
  return parameters;
}

}  // namespace

void EmitClientDeclaration(const ContractHub& hub, std::string& out) {
  const std::string proxy = ProxyName(hub);
  const std::string single = SingleProxyName(hub);
  absl::StrAppend(&out, "// Hub \"", hub.name, "\": the methods the server calls on browsers, "
                  "sent to one audience\n// through the Push API. Callbacks run once, on a gRPC "
                  "thread.\nclass ", proxy, " {\n public:\n  explicit ", proxy, "(", kTyped,
                  "PushTarget target)\n      : target_(std::move(target)) {}\n");
  for (const ContractMethod& method : hub.client_methods) {
    if (method.returns_void) {
      absl::StrAppend(&out, "\n  // ", WireSignature(method), "\n  void ", method.rpc->name(),
                      ParameterList(ProxyParameters(method)), " const;\n");
    }
  }
  absl::StrAppend(&out, "\n protected:\n  ", kTyped, "PushTarget target_;\n};\n\n");
  absl::StrAppend(&out, "// One connection, which can also answer client results (as ASP.NET "
                  "allows InvokeAsync\n// on single clients only).\nclass ", single,
                  " : public ", proxy, " {\n public:\n  using ", proxy, "::", proxy, ";\n");
  for (const ContractMethod& method : hub.client_methods) {
    if (!method.returns_void) {
      absl::StrAppend(&out, "\n  // client result: ", WireSignature(method), "\n  void ",
                      method.rpc->name(), ParameterList(ProxyParameters(method)), " const;\n");
    }
  }
  absl::StrAppend(&out, "};\n\n");
  absl::StrAppend(&out, "// Clients.All(), Group(g), User(u), Client(id), Caller(call), "
                  "Others(call), ...\nclass ", hub.client_service->name(), "Clients\n    : public ",
                  kTyped, "ClientsBase<", proxy, ", ", single, "> {\n public:\n  explicit ",
                  hub.client_service->name(), "Clients(::hubgate::v1::Push::StubInterface& stub,\n"
                  "      ", kTyped, "PushOptions options = {})\n      : ClientsBase(stub, ",
                  Quote(hub.name), ", std::move(options)) {}\n};\n\n");
}

void EmitClientDefinition(const ContractHub& hub, std::string& out) {
  for (const ContractMethod& method : hub.client_methods) {
    const std::vector<CppParameter> parameters =
        CppParameters(*method.rpc->input_type(), method.parameters);
    absl::StrAppend(&out, "void ", method.returns_void ? ProxyName(hub) : SingleProxyName(hub),
                    "::", method.rpc->name(), ParameterList(ProxyParameters(method)),
                    " const {\n");
    std::string message = parameters.empty() ? "request" : parameters.front().name;
    if (method.parameters == v1::PARAMETERS) {
      message = "request";
      absl::StrAppend(&out, "  ", CppClassName(*method.rpc->input_type()), " request;\n");
      for (const CppParameter& parameter : parameters) {
        absl::StrAppend(&out, "  ", parameter.store, "\n");
      }
    }
    const std::string arguments =
        absl::StrCat("typed::EncodeArguments(", message, ", ",
                     CppParametersConstant(method.parameters), ", kWireNaming)");
    if (method.returns_void) {
      absl::StrAppend(&out, "  target_.Send(", Quote(method.wire_name), ",\n               ",
                      arguments, ",\n               std::move(done));\n}\n\n");
      continue;
    }
    const std::string response = CppClassName(*method.rpc->output_type());
    absl::StrAppend(
        &out, "  target_.InvokeClient(\n      ", Quote(method.wire_name), ",\n      ", arguments,
        ",\n      [done = std::move(done)](absl::StatusOr<::hubgate::v1::Value> value) {\n"
        "        if (!value.ok()) {\n          done(value.status());\n          return;\n"
        "        }\n        ", response, " result;\n"
        "        if (absl::Status status =\n                typed::DecodeResult(*value, ",
        CppResultConstant(method.result), ", result);\n            !status.ok()) {\n"
        "          done(status);\n          return;\n"
        "        }\n        done(std::move(result));\n      });\n}\n\n");
  }
}

}  // namespace hubgate::protoc_gen
