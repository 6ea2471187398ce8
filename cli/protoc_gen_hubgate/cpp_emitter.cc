#include "cli/protoc_gen_hubgate/cpp_emitter.h"

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/protoc_gen_hubgate/cpp_client_emitter.h"
#include "cli/protoc_gen_hubgate/cpp_code.h"
#include "cli/protoc_gen_hubgate/cpp_names.h"

namespace hubgate::protoc_gen {
namespace {

std::string HubBaseName(const ContractHub& hub) {
  return absl::StrCat(hub.hub_service->name(), "Base");
}

std::string ReplyType(const ContractMethod& method) {
  const std::string response = CppClassName(*method.rpc->output_type());
  return method.streaming ? absl::StrCat(kTyped, "StreamWriter<", response, "> writer")
                          : absl::StrCat(kTyped, "Reply<", response, "> reply");
}

void EmitHubDeclaration(const ContractHub& hub, std::string& out) {
  const std::string base = HubBaseName(hub);
  absl::StrAppend(&out, "// Hub \"", hub.name, "\"", hub.path.empty() ? "" : " (" + hub.path + ")",
                  ": the methods browsers call.\n// Derive from it, implement "
                  "every method and serve the object as the backend's HubHandler.\n// Parameters "
                  "are valid during the call; the reply or writer may be completed later, from\n"
                  "// any thread.\n");
  absl::StrAppend(&out, "class ", base, " : public ::hubgate::v1::HubHandler::CallbackService {\n",
                  " public:\n  static constexpr char kHubName[] = ", Quote(hub.name), ";\n");
  for (const ContractMethod& method : hub.hub_methods) {
    std::vector<std::string> parameters = {absl::StrCat("const ", kTyped, "HubCall& call")};
    for (std::string& declaration :
         Declarations(CppParameters(*method.rpc->input_type(), method.parameters))) {
      parameters.push_back(std::move(declaration));
    }
    parameters.push_back(ReplyType(method));
    absl::StrAppend(&out, "\n  // ", method.streaming ? "stream() " : "", WireSignature(method),
                    "\n  virtual void ", method.rpc->name(), ParameterList(parameters), " = 0;\n");
  }
  absl::StrAppend(
      &out,
      "\n  // A client connected: return a non-empty text to refuse it. Must not block.\n"
      "  virtual std::string OnClientConnected(const ", kTyped,
      "HubCall& /*call*/) { return {}; }\n"
      "  // A client left; `error` is empty for a clean close.\n"
      "  virtual void OnClientDisconnected(const ", kTyped,
      "HubCall& /*call*/,\n                                    const std::string& /*error*/) {}\n"
      "  // A call's arguments did not fit; the client got ASP.NET's binding error and `detail`\n"
      "  // says which argument and why.\n"
      "  virtual void OnBindingError(const ", kTyped,
      "HubCall& /*call*/,\n                              const absl::Status& /*detail*/) {}\n\n"
      "  // ::hubgate::v1::HubHandler::CallbackService\n"
      "  ::grpc::ServerUnaryReactor* Describe(::grpc::CallbackServerContext* context,\n"
      "                                      const ::hubgate::v1::DescribeRequest* request,\n"
      "                                      ::hubgate::v1::HubDescription* response) final;\n"
      "  ::grpc::ServerUnaryReactor* OnConnected(::grpc::CallbackServerContext* context,\n"
      "                                         const ::hubgate::v1::ConnectedRequest* request,\n"
      "                                         ::hubgate::v1::ConnectedResponse* response) "
      "final;\n"
      "  ::grpc::ServerUnaryReactor* OnDisconnected(\n"
      "      ::grpc::CallbackServerContext* context, const ::hubgate::v1::DisconnectedRequest* "
      "request,\n"
      "      ::hubgate::v1::DisconnectedResponse* response) final;\n"
      "  ::grpc::ServerUnaryReactor* Invoke(::grpc::CallbackServerContext* context,\n"
      "                                    const ::hubgate::v1::InvokeRequest* request,\n"
      "                                    ::hubgate::v1::InvokeResponse* response) final;\n"
      "  ::grpc::ServerWriteReactor<::hubgate::v1::StreamInvokeResponse>* StreamInvoke(\n"
      "      ::grpc::CallbackServerContext* context, const ::hubgate::v1::InvokeRequest* request)"
      " final;\n"
      "  ::grpc::ServerReadReactor<::hubgate::v1::UploadMessage>* InvokeWithUploads(\n"
      "      ::grpc::CallbackServerContext* context, ::hubgate::v1::InvokeResponse* response) "
      "final;\n};\n\n");
}

// "name(\n        a,\n        b)": a call with one argument per line, at `indent`.
std::string CallList(absl::string_view name, const std::vector<std::string>& arguments,
                     absl::string_view indent) {
  if (arguments.empty()) {
    return absl::StrCat(name, "()");
  }
  const std::string separator = absl::StrCat(",\n", indent, "    ");
  return absl::StrCat(name, "(\n", indent, "    ", absl::StrJoin(arguments, separator), ")");
}

// InvokeWithUploads: the methods with upload fields, called once their invocation arrived.
void EmitUploadDefinition(const ContractHub& hub, std::string& out) {
  const bool any = std::any_of(hub.hub_methods.begin(), hub.hub_methods.end(),
                               [](const ContractMethod& m) { return m.upload_streams > 0; });
  absl::StrAppend(&out, "::grpc::ServerReadReactor<::hubgate::v1::UploadMessage>* ",
                  HubBaseName(hub), "::InvokeWithUploads(\n"
                  "    ::grpc::CallbackServerContext* /*context*/, ::hubgate::v1::InvokeResponse* "
                  "response) {\n  return typed::UploadCall::Start(\n"
                  "      response, [this](const ::hubgate::v1::InvokeRequest& request, "
                  "typed::UploadCall& ", any ? "upload" : "/*upload*/", ",\n"
                  "                       typed::ReplyCore reply) {\n"
                  "        const typed::HubCall call(request.context(), request.method(), "
                  "request.invocation_id());\n");
  for (const ContractMethod& method : hub.hub_methods) {
    if (method.upload_streams == 0) {
      continue;
    }
    std::vector<std::string> arguments = {"call"};
    for (const CppParameter& parameter :
         CppParameters(*method.rpc->input_type(), method.parameters)) {
      arguments.push_back(parameter.read);
    }
    arguments.push_back(absl::StrCat("typed::Reply<", CppClassName(*method.rpc->output_type()),
                                     ">(\n                    std::move(reply), ",
                                     CppResultConstant(method.result), ", kWireNaming)"));
    absl::StrAppend(
        &out, "        if (absl::EqualsIgnoreCase(request.method(), ", Quote(method.wire_name),
        ")) {\n          ", CppClassName(*method.rpc->input_type()), " args;\n"
        "          if (absl::Status status = typed::DecodeArguments(\n"
        "                  request.arguments(), ::hubgate::v1::PARAMETERS, args);\n"
        "              !status.ok()) {\n"
        "            OnBindingError(call, status);\n"
        "            reply.Exception(typed::kBindingExceptionType, "
        "typed::BindingErrorMessage(status));\n"
        "            return;\n          }\n          ",
        CallList(method.rpc->name(), arguments, "          "), ";\n          return;\n"
        "        }\n");
  }
  absl::StrAppend(&out, "        reply.Fail(::grpc::Status(::grpc::StatusCode::UNIMPLEMENTED,\n"
                        "                                  \"unknown method \" + "
                        "request.method()));\n      });\n}\n\n");
}

void EmitHubDefinition(const ContractHub& hub, std::string& out) {
  const std::string base = HubBaseName(hub);
  absl::StrAppend(&out, "::grpc::ServerUnaryReactor* ", base,
                  "::Describe(::grpc::CallbackServerContext* context,\n"
                  "    const ::hubgate::v1::DescribeRequest* /*request*/,\n"
                  "    ::hubgate::v1::HubDescription* response) {\n");
  for (const ContractMethod& method : hub.hub_methods) {
    absl::StrAppend(&out, "  {\n    ::hubgate::v1::MethodDescription* method = "
                          "response->add_methods();\n    method->set_name(",
                    Quote(method.wire_name), ");\n    method->set_kind(::hubgate::v1::"
                    "MethodDescription::", method.streaming ? "KIND_STREAM" : "KIND_INVOKE",
                    ");\n");
    if (method.upload_streams > 0) {
      absl::StrAppend(&out, "    method->set_upload_streams(", method.upload_streams, ");\n");
    }
    absl::StrAppend(&out, "  }\n");
  }
  absl::StrAppend(&out, "  ::grpc::ServerUnaryReactor* reactor = context->DefaultReactor();\n"
                        "  reactor->Finish(::grpc::Status::OK);\n  return reactor;\n}\n\n");

  absl::StrAppend(&out, "::grpc::ServerUnaryReactor* ", base,
                  "::OnConnected(::grpc::CallbackServerContext* context,\n"
                  "    const ::hubgate::v1::ConnectedRequest* request,\n"
                  "    ::hubgate::v1::ConnectedResponse* response) {\n"
                  "  response->set_rejection(OnClientConnected(typed::HubCall(request->context(), "
                  "{}, {})));\n"
                  "  ::grpc::ServerUnaryReactor* reactor = context->DefaultReactor();\n"
                  "  reactor->Finish(::grpc::Status::OK);\n  return reactor;\n}\n\n");
  absl::StrAppend(&out, "::grpc::ServerUnaryReactor* ", base,
                  "::OnDisconnected(\n    ::grpc::CallbackServerContext* context,\n"
                  "    const ::hubgate::v1::DisconnectedRequest* request,\n"
                  "    ::hubgate::v1::DisconnectedResponse* /*response*/) {\n"
                  "  OnClientDisconnected(typed::HubCall(request->context(), {}, {}), "
                  "request->error());\n"
                  "  ::grpc::ServerUnaryReactor* reactor = context->DefaultReactor();\n"
                  "  reactor->Finish(::grpc::Status::OK);\n  return reactor;\n}\n\n");

  for (const bool streaming : {false, true}) {
    if (streaming) {
      absl::StrAppend(
          &out, "::grpc::ServerWriteReactor<::hubgate::v1::StreamInvokeResponse>* ", base,
          "::StreamInvoke(\n    ::grpc::CallbackServerContext* /*context*/, "
          "const ::hubgate::v1::InvokeRequest* request) {\n"
          "  ::grpc::ServerWriteReactor<::hubgate::v1::StreamInvokeResponse>* reactor = nullptr;\n"
          "  std::shared_ptr<typed::StreamChannel> channel = typed::StreamChannel::Start(&reactor);"
          "\n");
    } else {
      absl::StrAppend(&out, "::grpc::ServerUnaryReactor* ", base,
                      "::Invoke(::grpc::CallbackServerContext* context,\n"
                      "    const ::hubgate::v1::InvokeRequest* request,\n"
                      "    ::hubgate::v1::InvokeResponse* response) {\n"
                      "  ::grpc::ServerUnaryReactor* reactor = context->DefaultReactor();\n");
    }
    absl::StrAppend(&out, "  const typed::HubCall call(request->context(), request->method(),\n"
                          "                            request->invocation_id());\n");
    for (const ContractMethod& method : hub.hub_methods) {
      if (method.streaming != streaming || method.upload_streams > 0) {
        continue;  // upload methods come through InvokeWithUploads
      }
      std::vector<std::string> arguments = {"call"};
      for (const CppParameter& parameter :
           CppParameters(*method.rpc->input_type(), method.parameters)) {
        arguments.push_back(parameter.read);
      }
      const std::string response = CppClassName(*method.rpc->output_type());
      const std::string result = CppResultConstant(method.result);
      arguments.push_back(
          streaming ? absl::StrCat("typed::StreamWriter<", response, ">(\n            std::move("
                                   "channel), ", result, ", kWireNaming)")
                    : absl::StrCat("typed::Reply<", response, ">(\n            reactor, response, ",
                                   result, ", kWireNaming)"));
      absl::StrAppend(
          &out, "  if (absl::EqualsIgnoreCase(request->method(), ", Quote(method.wire_name),
          ")) {\n    ", CppClassName(*method.rpc->input_type()), " args;\n",
          "    if (absl::Status status = typed::DecodeArguments(\n            request->arguments(), ",
          CppParametersConstant(method.parameters), ", args);\n        !status.ok()) {\n"
          "      OnBindingError(call, status);\n      ",
          streaming ? "channel->Exception(" : "typed::ReplyCore(reactor, response)\n          "
                                              ".Exception(",
          "typed::kBindingExceptionType, typed::BindingErrorMessage(status));\n"
          "      return reactor;\n    }\n    ",
          CallList(method.rpc->name(), arguments, "    "), ";\n    return reactor;\n  }\n");
    }
    absl::StrAppend(&out, "  const ::grpc::Status unknown(::grpc::StatusCode::UNIMPLEMENTED,\n"
                          "                               \"unknown method \" + "
                          "request->method());\n",
                    streaming ? "  channel->Fail(unknown);\n" : "  reactor->Finish(unknown);\n",
                    "  return reactor;\n}\n\n");
  }
  EmitUploadDefinition(hub, out);
}

std::string OpenNamespace(const Contract& contract) {
  const std::string name = CppNamespace(*contract.file);
  return name.empty() ? "" : absl::StrCat("namespace ", name, " {\n\n");
}

std::string CloseNamespace(const Contract& contract) {
  const std::string name = CppNamespace(*contract.file);
  return name.empty() ? "" : absl::StrCat("}  // namespace ", name, "\n");
}

}  // namespace

CppFiles EmitCpp(const Contract& contract, const std::string& base) {
  CppFiles files;
  const std::string banner = absl::StrCat("// Generated by protoc-gen-hubgate from ",
                                          contract.file->name(), ". Do not edit.\n");
  std::string& h = files.header;
  absl::StrAppend(&h, banner, "// Typed hubs for C++ backends: docs/typed-hubs.md.\n#pragma once\n\n"
                  "#include <cstdint>\n#include <functional>\n#include <memory>\n"
                  "#include <optional>\n#include <string>\n\n"
                  "#include \"absl/status/status.h\"\n#include \"absl/status/statusor.h\"\n"
                  "#include \"cli/protoc_gen_hubgate/runtime/hub_call.h\"\n"
                  "#include \"cli/protoc_gen_hubgate/runtime/push_target.h\"\n"
                  "#include \"cli/protoc_gen_hubgate/runtime/reply.h\"\n"
                  "#include \"cli/protoc_gen_hubgate/runtime/stream_reader.h\"\n"
                  "#include \"cli/protoc_gen_hubgate/runtime/stream_writer.h\"\n"
                  "#include \"hubgate/v1/hub_handler.grpc.pb.h\"\n"
                  "#include \"", base, ".pb.h\"\n\n", OpenNamespace(contract));
  std::string& cc = files.source;
  absl::StrAppend(&cc, banner, "#include \"", base, ".hubgate.h\"\n\n"
                  "#include <utility>\n\n#include \"absl/strings/match.h\"\n"
                  "#include \"cli/protoc_gen_hubgate/runtime/binding_error.h\"\n"
                  "#include \"cli/protoc_gen_hubgate/runtime/upload_call.h\"\n"
                  "#include \"cli/protoc_gen_hubgate/runtime/value_codec.h\"\n\n",
                  OpenNamespace(contract), "namespace {\n\nnamespace typed = ::hubgate::typed;\n"
                  "// How this file's DTO properties are named on the wire.\n"
                  "constexpr ::hubgate::v1::WireNaming kWireNaming = ",
                  CppNamingConstant(contract.hubs.front().naming), ";\n\n}  // namespace\n\n");
  for (const ContractHub& hub : contract.hubs) {
    if (hub.hub_service != nullptr) {
      EmitHubDeclaration(hub, h);
      EmitHubDefinition(hub, cc);
    }
    if (hub.client_service != nullptr) {
      EmitClientDeclaration(hub, h);
      EmitClientDefinition(hub, cc);
    }
  }
  absl::StrAppend(&h, CloseNamespace(contract));
  absl::StrAppend(&cc, CloseNamespace(contract));
  return files;
}

}  // namespace hubgate::protoc_gen
