#include "cli/protoc_gen_hubgate/cpp_names.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"

namespace hubgate::protoc_gen {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Names the generated methods use themselves; a parameter so named gets a trailing '_'.
constexpr absl::string_view kTakenNames[] = {"call",   "reply",  "writer", "done",  "args",
                                            "request", "status", "value", "result", "upload"};

std::string Qualified(const std::string& package, const std::string& dotted_name) {
  std::string name = absl::StrReplaceAll(dotted_name, {{".", "_"}});
  if (package.empty()) {
    return absl::StrCat("::", name);
  }
  return absl::StrCat("::", absl::StrReplaceAll(package, {{".", "::"}}), "::", name);
}

// The name relative to the package: "Outer.Inner".
std::string RelativeName(const std::string& full_name, const std::string& package) {
  return package.empty() ? full_name : full_name.substr(package.size() + 1);
}

std::string Accessor(const FieldDescriptor& field) { return absl::AsciiStrToLower(field.name()); }

std::string ParameterName(std::string name) {
  for (absl::string_view taken : kTakenNames) {
    if (name == taken) {
      return name + "_";
    }
  }
  return name;
}

// The C++ type of one element (a singular field's value, or a repeated field's item).
std::string ElementType(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: return "int32_t";
    case FieldDescriptor::CPPTYPE_INT64: return "int64_t";
    case FieldDescriptor::CPPTYPE_UINT32: return "uint32_t";
    case FieldDescriptor::CPPTYPE_UINT64: return "uint64_t";
    case FieldDescriptor::CPPTYPE_FLOAT: return "float";
    case FieldDescriptor::CPPTYPE_DOUBLE: return "double";
    case FieldDescriptor::CPPTYPE_BOOL: return "bool";
    case FieldDescriptor::CPPTYPE_ENUM: return CppEnumName(*field.enum_type());
    case FieldDescriptor::CPPTYPE_STRING: return "std::string";
    case FieldDescriptor::CPPTYPE_MESSAGE: return CppClassName(*field.message_type());
  }
  return "";
}

CppParameter FieldParameter(const FieldDescriptor& field) {
  const std::string accessor = Accessor(field);
  CppParameter parameter;
  parameter.name = ParameterName(accessor);
  const std::string& name = parameter.name;
  if (field.is_map()) {
    parameter.type = absl::StrCat("const ::google::protobuf::Map<std::string, ",
                                  ElementType(*field.message_type()->FindFieldByNumber(2)), ">&");
  } else if (field.is_repeated()) {
    const bool pointer_field = field.cpp_type() == FieldDescriptor::CPPTYPE_STRING ||
                               field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    const std::string element =
        field.cpp_type() == FieldDescriptor::CPPTYPE_ENUM ? "int" : ElementType(field);
    parameter.type = absl::StrCat("const ::google::protobuf::", pointer_field ? "RepeatedPtrField"
                                                                              : "RepeatedField",
                                  "<", element, ">&");
  }
  if (field.is_repeated()) {
    parameter.read = absl::StrCat("args.", accessor, "()");
    parameter.store = absl::StrCat("*request.mutable_", accessor, "() = ", name, ";");
    return parameter;
  }
  const Descriptor* message = field.message_type();
  if (message != nullptr && IsWrapper(*message)) {
    const std::string inner = ElementType(*message->FindFieldByNumber(1));
    parameter.type = absl::StrCat("std::optional<", inner, ">");
    parameter.read = absl::StrCat("args.has_", accessor, "() ? std::optional<", inner, ">(args.",
                                  accessor, "().value()) : std::nullopt");
    parameter.store = absl::StrCat("if (", name, ") request.mutable_", accessor,
                                   "()->set_value(*", name, ");");
  } else if (message != nullptr && IsTimestamp(*message)) {
    parameter.type = "const ::google::protobuf::Timestamp&";
    parameter.read = absl::StrCat("args.", accessor, "()");
    parameter.store = absl::StrCat("*request.mutable_", accessor, "() = ", name, ";");
  } else if (message != nullptr) {
    parameter.type = absl::StrCat("const ", CppClassName(*message), "*");
    parameter.read = absl::StrCat("args.has_", accessor, "() ? &args.", accessor, "() : nullptr");
    parameter.store = absl::StrCat("if (", name, " != nullptr) *request.mutable_", accessor,
                                   "() = *", name, ";");
  } else if (field.has_presence()) {
    const std::string type = ElementType(field);
    parameter.type = absl::StrCat("std::optional<", type, ">");
    parameter.read = absl::StrCat("args.has_", accessor, "() ? std::optional<", type, ">(args.",
                                  accessor, "()) : std::nullopt");
    parameter.store = absl::StrCat("if (", name, ") request.set_", accessor, "(*", name, ");");
  } else {
    const std::string type = ElementType(field);
    parameter.type = type == "std::string" ? "const std::string&" : type;
    parameter.read = absl::StrCat("args.", accessor, "()");
    parameter.store = absl::StrCat("request.set_", accessor, "(", name, ");");
  }
  return parameter;
}

// "PatientAdmittedDto" -> "patient_admitted_dto".
std::string SnakeCase(absl::string_view camel) {
  std::string snake;
  for (char c : camel) {
    if (absl::ascii_isupper(c) && !snake.empty()) {
      snake.push_back('_');
    }
    snake.push_back(absl::ascii_tolower(c));
  }
  return snake;
}

}  // namespace

std::string CppClassName(const Descriptor& type) {
  return Qualified(type.file()->package(),
                   RelativeName(type.full_name(), type.file()->package()));
}

std::string CppEnumName(const google::protobuf::EnumDescriptor& type) {
  return Qualified(type.file()->package(),
                   RelativeName(type.full_name(), type.file()->package()));
}

std::string CppNamespace(const google::protobuf::FileDescriptor& file) {
  return absl::StrReplaceAll(file.package(), {{".", "::"}});
}

std::string CppNamingConstant(v1::WireNaming naming) {
  return naming == v1::PROTO_NAMES ? "::hubgate::v1::PROTO_NAMES" : "::hubgate::v1::CAMEL_CASE";
}

std::string CppParametersConstant(v1::ParameterMapping mapping) {
  return mapping == v1::OBJECT ? "::hubgate::v1::OBJECT" : "::hubgate::v1::PARAMETERS";
}

std::string CppResultConstant(v1::ResultMapping mapping) {
  return mapping == v1::RESULT_FIELD ? "::hubgate::v1::RESULT_FIELD"
                                     : "::hubgate::v1::RESULT_OBJECT";
}

std::vector<CppParameter> CppParameters(const Descriptor& request,
                                        v1::ParameterMapping mapping) {
  std::vector<CppParameter> parameters;
  if (mapping == v1::OBJECT) {
    const std::string name = ParameterName(SnakeCase(request.name()));
    parameters.push_back({absl::StrCat("const ", CppClassName(request), "&"), name, "args",
                          absl::StrCat("request = ", name, ";")});
    return parameters;
  }
  int upload_index = 0;
  for (int i = 0; i < request.field_count(); ++i) {
    const FieldDescriptor& field = *request.field(i);
    if (IsUpload(field)) {
      // A stream parameter, read from the upload call `upload` (generated InvokeWithUploads).
      const std::string item = CppClassName(*field.message_type());
      parameters.push_back({absl::StrCat("::hubgate::typed::StreamReader<", item, ">"),
                            ParameterName(Accessor(field)),
                            absl::StrCat("typed::StreamReader<", item, ">(upload.Stream(",
                                         upload_index++, "))"),
                            ""});
      continue;
    }
    parameters.push_back(FieldParameter(field));
  }
  return parameters;
}

}  // namespace hubgate::protoc_gen
