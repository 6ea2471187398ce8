#include "cli/protoc_gen_hubgate/cpp_code.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hubgate::protoc_gen {

std::string Quote(const std::string& text) { return absl::StrCat("\"", text, "\""); }

std::string ParameterList(const std::vector<std::string>& parameters) {
  if (parameters.empty()) {
    return "()";
  }
  return absl::StrCat("(\n      ", absl::StrJoin(parameters, ",\n      "), ")");
}

std::vector<std::string> Declarations(const std::vector<CppParameter>& parameters) {
  std::vector<std::string> declarations;
  for (const CppParameter& parameter : parameters) {
    declarations.push_back(absl::StrCat(parameter.type, " ", parameter.name));
  }
  return declarations;
}

std::string WireSignature(const ContractMethod& method) {
  std::vector<std::string> names;
  const google::protobuf::Descriptor& request = *method.rpc->input_type();
  if (method.parameters == v1::OBJECT) {
    names.push_back(request.name());
  } else {
    for (int i = 0; i < request.field_count(); ++i) {
      names.push_back(request.field(i)->json_name());
    }
  }
  std::string result = method.returns_void ? "" : method.rpc->output_type()->name();
  if (method.streaming) {
    result = absl::StrCat("stream of ", result);
  }
  return absl::StrCat(method.wire_name, "(", absl::StrJoin(names, ", "), ")",
                      result.empty() ? "" : absl::StrCat(" -> ", result));
}

}  // namespace hubgate::protoc_gen
