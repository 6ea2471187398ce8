#include "cli/protoc_gen_hubgate/ts_emitter.h"

#include <optional>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "cli/protoc_gen_hubgate/runtime/wire_names.h"
#include "cli/protoc_gen_hubgate/ts_support.h"

namespace hubgate::protoc_gen {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// A value's form for the conversion tables and its declared TypeScript type.
struct TsType {
  std::string wire;
  std::string ts;
};

// Words TypeScript does not accept as parameter names.
constexpr absl::string_view kReservedWords[] = {
    "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete",
    "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if",
    "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw",
    "true", "try", "typeof", "var", "void", "while", "with", "let", "static", "yield", "await",
    "implements", "interface", "package", "private", "protected", "public", "arguments", "eval"};

std::string ParameterName(std::string name) {
  for (absl::string_view reserved : kReservedWords) {
    if (name == reserved) {
      return name + "_";
    }
  }
  return name;
}

std::string Quote(absl::string_view text) { return absl::StrCat("\"", text, "\""); }

TsType Simple(absl::string_view kind, absl::string_view ts) {
  return {absl::StrCat("{ k: \"", kind, "\" }"), std::string(ts)};
}

TsType ElementType(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_BOOL:
      return Simple("bool", "boolean");
    case FieldDescriptor::CPPTYPE_STRING:
      return field.type() == FieldDescriptor::TYPE_BYTES ? Simple("bytes", "Uint8Array")
                                                         : Simple("string", "string");
    case FieldDescriptor::CPPTYPE_ENUM:
      return {absl::StrCat("{ k: \"enum\", e: ", Quote(field.enum_type()->name()), " }"),
              field.enum_type()->name()};
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Descriptor& type = *field.message_type();
      if (IsTimestamp(type)) {
        return Simple("date", "Date");
      }
      if (IsWrapper(type)) {
        return ElementType(*type.FindFieldByNumber(1));
      }
      return {absl::StrCat("{ k: \"message\", m: ", Quote(type.name()), " }"), type.name()};
    }
    default:
      return Simple("number", "number");
  }
}

TsType FieldType(const FieldDescriptor& field) {
  if (field.is_map()) {
    const TsType value = ElementType(*field.message_type()->FindFieldByNumber(2));
    return {absl::StrCat("{ k: \"map\", of: ", value.wire, " }"),
            absl::StrCat("Record<string, ", value.ts, ">")};
  }
  const TsType element = ElementType(field);
  if (field.is_repeated()) {
    const bool compound = element.ts.find(' ') != std::string::npos;
    return {absl::StrCat("{ k: \"list\", of: ", element.wire, " }"),
            compound ? absl::StrCat("(", element.ts, ")[]") : absl::StrCat(element.ts, "[]")};
  }
  if (IsNullable(field)) {
    return {absl::StrCat("{ k: \"nullable\", of: ", element.wire, " }"),
            absl::StrCat(element.ts, " | null")};
  }
  return element;
}

TsType MessageType(const Descriptor& type) {
  return {absl::StrCat("{ k: \"message\", m: ", Quote(type.name()), " }"), type.name()};
}

struct TsParameter {
  std::string name;
  TsType type;
};

std::vector<TsParameter> Parameters(const ContractMethod& method) {
  const Descriptor& request = *method.rpc->input_type();
  std::vector<TsParameter> parameters;
  if (method.parameters == v1::OBJECT) {
    std::string name = request.name();
    name[0] = absl::ascii_tolower(name[0]);
    parameters.push_back({ParameterName(name), MessageType(request)});
    return parameters;
  }
  for (int i = 0; i < request.field_count(); ++i) {
    const FieldDescriptor& field = *request.field(i);
    TsType type = FieldType(field);
    if (IsUpload(field)) {
      // A stream parameter: anything with subscribe() (the official client's Subject).
      const TsType item = ElementType(field);
      type = {absl::StrCat("{ k: \"upload\", of: ", item.wire, " }"),
              absl::StrCat("IStreamResult<", item.ts, ">")};
    }
    parameters.push_back({ParameterName(field.json_name()), type});
  }
  return parameters;
}

// Null for void.
std::optional<TsType> Result(const ContractMethod& method) {
  if (method.returns_void) {
    return std::nullopt;
  }
  const Descriptor& response = *method.rpc->output_type();
  return method.result == v1::RESULT_FIELD ? FieldType(*response.field(0))
                                           : MessageType(response);
}

std::string Declarations(const std::vector<TsParameter>& parameters) {
  std::vector<std::string> declarations;
  for (const TsParameter& parameter : parameters) {
    declarations.push_back(absl::StrCat(parameter.name, ": ", parameter.type.ts));
  }
  return absl::StrJoin(declarations, ", ");
}

std::string Names(const std::vector<TsParameter>& parameters) {
  std::vector<std::string> names;
  for (const TsParameter& parameter : parameters) {
    names.push_back(parameter.name);
  }
  return absl::StrJoin(names, ", ");
}

void EmitEnums(const Contract& contract, std::string& out) {
  for (const google::protobuf::EnumDescriptor* type : contract.enums) {
    absl::StrAppend(&out, "/** ", type->full_name(), " (numbers in JSON, member names in "
                    "MessagePack) */\nexport enum ", type->name(), " {\n");
    absl::flat_hash_set<std::string> members;
    for (int i = 0; i < type->value_count(); ++i) {
      const std::string member = typed::EnumMemberName(*type->value(i));
      if (members.insert(member).second) {
        absl::StrAppend(&out, "  ", member, " = ", type->value(i)->number(), ",\n");
      }
    }
    absl::StrAppend(&out, "}\n\n");
  }
}

void EmitInterfaces(const Contract& contract, v1::WireNaming naming, std::string& out) {
  for (const Descriptor* type : contract.messages) {
    absl::StrAppend(&out, "/** ", type->full_name(), " */\nexport interface ", type->name(),
                    " {\n");
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor& field = *type->field(i);
      absl::StrAppend(&out, "  ", typed::JsonPropertyName(field, naming), ": ",
                      FieldType(field).ts, ";\n");
    }
    absl::StrAppend(&out, "}\n\n");
  }
}

void EmitTables(const Contract& contract, v1::WireNaming naming, std::string& out) {
  absl::StrAppend(&out, "const wireEnums: Record<string, Record<string, number>> = {\n");
  for (const google::protobuf::EnumDescriptor* type : contract.enums) {
    std::vector<std::string> entries;
    absl::flat_hash_set<std::string> members;
    for (int i = 0; i < type->value_count(); ++i) {
      const std::string member = typed::EnumMemberName(*type->value(i));
      if (members.insert(member).second) {
        entries.push_back(absl::StrCat(member, ": ", type->value(i)->number()));
      }
    }
    absl::StrAppend(&out, "  ", type->name(), ": { ", absl::StrJoin(entries, ", "), " },\n");
  }
  absl::StrAppend(&out, "};\n\nconst wireMessages: Record<string, WireField[]> = {\n");
  for (const Descriptor* type : contract.messages) {
    absl::StrAppend(&out, "  ", type->name(), ": [\n");
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor& field = *type->field(i);
      absl::StrAppend(&out, "    { ts: ", Quote(typed::JsonPropertyName(field, naming)),
                      ", json: ", Quote(typed::JsonPropertyName(field, naming)),
                      ",\n      msgpack: ", Quote(typed::MessagePackPropertyName(field, naming)),
                      ", proto: ", Quote(field.name()), ",\n      t: ", FieldType(field).wire,
                      " },\n");
    }
    absl::StrAppend(&out, "  ],\n");
  }
  absl::StrAppend(&out, "};\n\n");
}

std::string HubPascalName(const ContractHub& hub) {
  return typed::PascalCaseName(absl::StrReplaceAll(hub.name, {{"-", "_"}}));
}

// The parameter list, on one line when it fits in 100 columns with `prefix` and `suffix`,
// else one parameter per line.
std::string ParameterList(absl::string_view prefix, const std::vector<TsParameter>& parameters,
                          absl::string_view suffix, absl::string_view indent) {
  const std::string one_line = absl::StrCat(prefix, "(", Declarations(parameters), ")", suffix);
  if (one_line.size() <= 100 || parameters.size() < 2) {
    return one_line;
  }
  std::string wrapped = absl::StrCat(prefix, "(\n");
  for (const TsParameter& parameter : parameters) {
    absl::StrAppend(&wrapped, indent, "  ", parameter.name, ": ", parameter.type.ts, ",\n");
  }
  absl::StrAppend(&wrapped, indent, ")", suffix);
  return wrapped;
}

// `const <name>: MethodTypes = { ... };`: each method's parameter and result forms.
void EmitMethodTable(const std::string& name, const std::vector<ContractMethod>& methods,
                     std::string& out) {
  absl::StrAppend(&out, "const ", name, ": MethodTypes = {\n");
  for (const ContractMethod& method : methods) {
    const std::vector<TsParameter> parameters = Parameters(method);
    const std::optional<TsType> result = Result(method);
    absl::StrAppend(&out, "  ", method.wire_name, ": {\n    args: [");
    if (!parameters.empty()) {
      absl::StrAppend(&out, "\n");
      for (const TsParameter& parameter : parameters) {
        absl::StrAppend(&out, "      ", parameter.type.wire, ",\n");
      }
      absl::StrAppend(&out, "    ");
    }
    absl::StrAppend(&out, "],\n    result: ", result ? result->wire : "null", ",\n  },\n");
  }
  absl::StrAppend(&out, "};\n\n");
}

// One typed member group: `readonly <group>: { ... };` and its initialiser.
struct Group {
  std::string declaration;
  std::string initialiser;
};

void AddMember(Group& group, const std::string& declaration, absl::string_view name,
               absl::string_view implementation) {
  absl::StrAppend(&group.declaration, "    ", declaration, ";\n");
  std::string body(implementation);
  // The call is on a line of its own (8 columns in); a long one continues after its "(" (a
  // line break before `as` would end the expression).
  const size_t call_line = body.rfind('\n') + 1;
  if (body.size() - call_line + 8 + 1 > 100) {
    body.insert(body.find('(', call_line) + 1, "\n          ");
  }
  absl::StrAppend(&group.initialiser, "      ", name, ": ", body, ",\n");
}

void EmitHubClass(const ContractHub& hub, std::string& out) {
  const std::string pascal = HubPascalName(hub);
  const std::string hub_table = absl::StrCat("wire", pascal, "HubMethods");
  const std::string client_table = absl::StrCat("wire", pascal, "ClientMethods");
  EmitMethodTable(hub_table, hub.hub_methods, out);
  EmitMethodTable(client_table, hub.client_methods, out);
  Group invoke, send, stream, on, off, handle;
  for (const ContractMethod& method : hub.hub_methods) {
    const std::vector<TsParameter> parameters = Parameters(method);
    const std::optional<TsType> result = Result(method);
    const std::string& name = method.wire_name;
    const std::string call = absl::StrCat("(", Quote(name), ", [", Names(parameters), "])");
    const std::string arrow = absl::StrCat("(", Names(parameters), ") =>\n        core.");
    if (method.streaming) {
      const std::string type = absl::StrCat("IStreamResult<", result->ts, ">");
      AddMember(stream, ParameterList(name, parameters, absl::StrCat(": ", type), "    "), name,
                absl::StrCat(arrow, "stream", call, " as unknown as ", type));
      continue;
    }
    const std::string type = absl::StrCat("Promise<", result ? result->ts : "void", ">");
    AddMember(invoke, ParameterList(name, parameters, absl::StrCat(": ", type), "    "), name,
              absl::StrCat(arrow, "invoke", call, " as ", type));
    AddMember(send, ParameterList(name, parameters, ": Promise<void>", "    "), name,
              absl::StrCat(arrow, "send", call));
  }
  for (const ContractMethod& method : hub.client_methods) {
    const std::vector<TsParameter> parameters = Parameters(method);
    const std::optional<TsType> result = Result(method);
    const std::string& name = method.wire_name;
    const std::string implementation =
        absl::StrCat("(handler) => core.on(", Quote(name), ", handler)");
    if (result) {
      const std::string handler =
          ParameterList("handler: ", parameters,
                        absl::StrCat(" => ", result->ts, " | Promise<", result->ts, ">"), "    ");
      std::string declaration = absl::StrCat(name, "(", handler, "): () => void");
      if (declaration.size() + 5 > 100) {
        declaration = absl::StrCat(name, "(\n      ", handler, ",\n    ): () => void");
      }
      AddMember(handle, declaration, name, implementation);
      continue;
    }
    const std::string handler = ParameterList("handler: ", parameters, " => void", "    ");
    AddMember(on, absl::StrCat(name, "(", handler, "): () => void"), name, implementation);
    AddMember(off, absl::StrCat(name, "(", handler, "): void"), name,
              absl::StrCat("(handler) => core.off(", Quote(name), ", handler)"));
  }
  absl::StrAppend(&out, "/** Hub \"", hub.name, "\", typed over the official HubConnection. */\n"
                  "export class ", pascal, "HubConnection {\n");
  if (!hub.path.empty()) {
    absl::StrAppend(&out, "  /** The hub's path (hubs[].path in the gateway's configuration). */\n"
                          "  static readonly path = ", Quote(hub.path), ";\n");
  }
  const std::pair<absl::string_view, const Group*> groups[] = {
      {"/** Hub methods through invoke(): resolve with the result. */", &invoke},
      {"/** Hub methods through send(): resolve once sent, never answered. */", &send},
      {"/** Streaming hub methods through stream(). */", &stream},
      {"/** Client methods: register a handler; the returned function unregisters it. */", &on},
      {"/** Client methods: unregister a handler. */", &off},
      {"/** Client results: the handler's return value answers the server. */", &handle}};
  const absl::string_view members[] = {"invoke", "send", "stream", "on", "off", "handle"};
  for (size_t i = 0; i < std::size(members); ++i) {
    absl::StrAppend(&out, "  ", groups[i].first, "\n  readonly ", members[i], ": {\n",
                    groups[i].second->declaration, "  };\n");
  }
  absl::StrAppend(&out, "\n  constructor(readonly connection: HubConnection,\n"
                        "              readonly protocol: HubProtocolName = \"json\") {\n"
                        "    const core = new TypedHubCore(connection, protocol, ", hub_table,
                  ",\n                                  ", client_table, ");\n");
  for (size_t i = 0; i < std::size(members); ++i) {
    absl::StrAppend(&out, "    this.", members[i], " = {\n", groups[i].second->initialiser,
                    "    };\n");
  }
  absl::StrAppend(&out, "  }\n}\n\n");
}

}  // namespace

std::string EmitTypeScript(const Contract& contract) {
  // ReadContract allows one naming per file, so the hubs' shared messages have one shape.
  const v1::WireNaming naming = contract.hubs.front().naming;
  std::string out = absl::StrCat(
      "// Generated by protoc-gen-hubgate from ", contract.file->name(), ". Do not edit.\n"
      "// Typed hubs for browsers: docs/typed-hubs.md.\n"
      "import type { HubConnection, IStreamResult, IStreamSubscriber, ISubscription }\n"
      "    from \"@microsoft/signalr\";\n\n");
  EmitEnums(contract, out);
  EmitInterfaces(contract, naming, out);
  absl::StrAppend(&out, TypeScriptSupport().substr(1), "\n");
  EmitTables(contract, naming, out);
  for (const ContractHub& hub : contract.hubs) {
    EmitHubClass(hub, out);
  }
  out.pop_back();  // one newline at the end
  return out;
}

}  // namespace hubgate::protoc_gen
