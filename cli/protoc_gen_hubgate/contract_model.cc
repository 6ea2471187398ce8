#include "cli/protoc_gen_hubgate/contract_model.h"

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "cli/protoc_gen_hubgate/runtime/wire_names.h"

namespace hubgate::protoc_gen {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

// Members of the generated hub base class that a hub method must not shadow.
constexpr absl::string_view kReservedMethodNames[] = {
    "Describe",          "OnConnected",       "OnDisconnected",       "Invoke",
    "StreamInvoke",      "InvokeWithUploads", "OnClientConnected",    "OnClientDisconnected",
    "OnBindingError",    "kHubName",
};

// Well-known types without a wire form both protocols agree on (docs/typed-hubs.md).
constexpr absl::string_view kUnsupportedTypes[] = {
    "google.protobuf.Duration",  "google.protobuf.Any",       "google.protobuf.Struct",
    "google.protobuf.Value",     "google.protobuf.ListValue", "google.protobuf.FieldMask",
};

class ContractReader {
 public:
  explicit ContractReader(const FileDescriptor& file) : file_(file) { contract_.file = &file; }

  absl::StatusOr<Contract> Read() {
    for (int i = 0; i < file_.service_count(); ++i) {
      if (absl::Status status = ReadService(*file_.service(i)); !status.ok()) {
        return status;
      }
    }
    if (contract_.hubs.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          file_.name(), ": no service has the option (hubgate.v1.hub); nothing to generate"));
    }
    for (ContractHub& hub : contract_.hubs) {
      if (absl::Status status = ReadMethods(hub); !status.ok()) {
        return status;
      }
    }
    return std::move(contract_);
  }

 private:
  absl::Status Error(absl::string_view element, absl::string_view text) const {
    return absl::InvalidArgumentError(absl::StrCat(file_.name(), ": ", element, ": ", text));
  }

  absl::Status ReadService(const ServiceDescriptor& service) {
    if (!service.options().HasExtension(v1::hub)) {
      return absl::OkStatus();  // not part of a hub
    }
    const v1::HubContract& options = service.options().GetExtension(v1::hub);
    if (options.name().empty()) {
      return Error(service.name(), "option (hubgate.v1.hub) needs a name (the hub's name)");
    }
    if (options.role() == v1::SERVICE_ROLE_UNSPECIFIED) {
      return Error(service.name(),
                   "option (hubgate.v1.hub) needs a role: HUB_METHODS or CLIENT_METHODS");
    }
    ContractHub* hub = nullptr;
    for (ContractHub& existing : contract_.hubs) {
      if (existing.name == options.name()) {
        hub = &existing;
      }
    }
    if (hub == nullptr && !contract_.hubs.empty() &&
        contract_.hubs.front().naming != options.naming()) {
      return Error(service.name(), "all hubs of one file need the same naming (they share the "
                                   "file's messages)");
    }
    if (hub == nullptr) {
      hub = &contract_.hubs.emplace_back();
      hub->name = options.name();
      hub->naming = options.naming();
    } else if (hub->naming != options.naming()) {
      return Error(service.name(), absl::StrCat("the naming differs from the other service of hub '",
                                                hub->name, "'"));
    }
    const bool hub_role = options.role() == v1::HUB_METHODS;
    const ServiceDescriptor*& slot = hub_role ? hub->hub_service : hub->client_service;
    if (slot != nullptr) {
      return Error(service.name(), absl::StrCat("hub '", hub->name, "' already has ",
                                                hub_role ? "hub methods" : "client methods",
                                                " (", slot->name(), ")"));
    }
    slot = &service;
    if (hub_role) {
      hub->path = options.path();
    }
    return absl::OkStatus();
  }

  absl::Status ReadMethods(ContractHub& hub) {
    for (const bool hub_role : {true, false}) {
      const ServiceDescriptor* service = hub_role ? hub.hub_service : hub.client_service;
      if (service == nullptr) {
        continue;
      }
      absl::flat_hash_map<std::string, std::string> wire_names;  // lower-case -> rpc
      for (int i = 0; i < service->method_count(); ++i) {
        absl::StatusOr<ContractMethod> method = ReadMethod(*service->method(i), hub_role);
        if (!method.ok()) {
          return method.status();
        }
        const std::string element = absl::StrCat(service->name(), ".", service->method(i)->name());
        auto [it, inserted] =
            wire_names.emplace(absl::AsciiStrToLower(method->wire_name), method->rpc->name());
        if (!inserted) {
          return Error(element, absl::StrCat("wire name '", method->wire_name,
                                             "' clashes with ", it->second,
                                             " (SignalR matches names case-insensitively)"));
        }
        (hub_role ? hub.hub_methods : hub.client_methods).push_back(*std::move(method));
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<ContractMethod> ReadMethod(const MethodDescriptor& rpc, bool hub_role) {
    const std::string element = absl::StrCat(rpc.service()->name(), ".", rpc.name());
    const v1::MethodContract& options = rpc.options().GetExtension(v1::method);
    ContractMethod method;
    method.rpc = &rpc;
    method.wire_name = options.name().empty() ? rpc.name() : options.name();
    method.parameters = options.parameters();
    method.result = options.result();
    method.streaming = rpc.server_streaming();
    method.returns_void = IsEmpty(*rpc.output_type());
    if (rpc.client_streaming()) {
      return Error(element,
                   "client-streaming RPCs are not hub methods; use a field with "
                   "(hubgate.v1.field) = { upload: true }");
    }
    if (!hub_role && rpc.server_streaming()) {
      return Error(element, "client methods cannot stream (SignalR never streams to a client)");
    }
    if (hub_role) {
      for (absl::string_view reserved : kReservedMethodNames) {
        if (rpc.name() == reserved) {
          return Error(element, absl::StrCat("the name clashes with the generated hub base "
                                             "class's own member '", reserved, "'"));
        }
      }
    }
    if (method.parameters == v1::OBJECT && IsEmpty(*rpc.input_type())) {
      return Error(element, "parameters: OBJECT needs a request message other than "
                            "google.protobuf.Empty");
    }
    for (int i = 0; i < rpc.input_type()->field_count(); ++i) {
      const FieldDescriptor& field = *rpc.input_type()->field(i);
      if (!IsUpload(field)) {
        continue;
      }
      if (!hub_role || method.streaming || method.parameters != v1::PARAMETERS) {
        return Error(element, absl::StrCat("upload field ", field.name(), ": upload streams are "
                                           "parameters of invoke hub methods with PARAMETERS"));
      }
      if (!field.is_repeated() || field.is_map() || field.message_type() == nullptr ||
          IsTimestamp(*field.message_type()) || IsWrapper(*field.message_type())) {
        return Error(element, absl::StrCat("upload field ", field.name(),
                                           ": must be a repeated message (the stream's items)"));
      }
      ++method.upload_streams;
    }
    if (method.result == v1::RESULT_FIELD && rpc.output_type()->field_count() != 1) {
      return Error(element, absl::StrCat("result: RESULT_FIELD needs a response with exactly one "
                                         "field; ", rpc.output_type()->full_name(), " has ",
                                         rpc.output_type()->field_count()));
    }
    if (absl::Status status = UseMessage(*rpc.input_type(), method.upload_streams > 0);
        !status.ok()) {
      return status;
    }
    if (absl::Status status = UseMessage(*rpc.output_type()); !status.ok()) {
      return status;
    }
    return method;
  }

  // Checks a message and everything it uses, once, and records it for the emitters. Only a
  // method's own request may hold upload fields (`uploads_allowed`).
  absl::Status UseMessage(const Descriptor& type, bool uploads_allowed = false) {
    if (IsEmpty(type) || IsTimestamp(type) || IsWrapper(type)) {
      return absl::OkStatus();
    }
    for (absl::string_view unsupported : kUnsupportedTypes) {
      if (type.full_name() == unsupported) {
        return Error(type.full_name(), "this type has no wire form JSON and MessagePack "
                                       "agree on (see docs/typed-hubs.md)");
      }
    }
    if (!seen_messages_.insert(&type).second) {
      return absl::OkStatus();
    }
    if (!typescript_names_.insert(type.name()).second) {
      return Error(type.full_name(), "another message used by the contract has the same name "
                                     "(the generated TypeScript declares every message once)");
    }
    absl::flat_hash_map<std::string, std::string> json_names;
    absl::flat_hash_map<std::string, std::string> msgpack_names;
    for (int i = 0; i < type.field_count(); ++i) {
      const FieldDescriptor& field = *type.field(i);
      const std::string element = absl::StrCat(type.full_name(), ".", field.name());
      if (field.real_containing_oneof() != nullptr) {
        return Error(element, "oneof has no C# counterpart; use separate nullable fields");
      }
      if (field.type() == FieldDescriptor::TYPE_GROUP) {
        return Error(element, "groups are not supported");
      }
      if (IsUpload(field) && !uploads_allowed) {
        return Error(element, "upload fields belong only on the request of an invoke hub method "
                              "with PARAMETERS");
      }
      if (field.is_map() &&
          field.message_type()->FindFieldByNumber(1)->type() != FieldDescriptor::TYPE_STRING) {
        return Error(element, "map keys must be strings (JSON object keys are strings while "
                              "MessagePack keeps integers)");
      }
      for (auto* names : {&json_names, &msgpack_names}) {
        const std::string wire = names == &json_names
                                     ? typed::JsonPropertyName(field, naming_for_checks_)
                                     : typed::MessagePackPropertyName(field, naming_for_checks_);
        auto [it, inserted] = names->emplace(absl::AsciiStrToLower(wire), field.name());
        if (!inserted) {
          return Error(element, absl::StrCat("property name '", wire, "' clashes with field ",
                                             it->second));
        }
      }
      const FieldDescriptor& element_field =
          field.is_map() ? *field.message_type()->FindFieldByNumber(2) : field;
      if (element_field.enum_type() != nullptr) {
        UseEnum(*element_field.enum_type());
      }
      if (element_field.message_type() != nullptr) {
        if (absl::Status status = UseMessage(*element_field.message_type()); !status.ok()) {
          return status;
        }
        if (IsEmpty(*element_field.message_type())) {
          return Error(element, "google.protobuf.Empty is only a request or response type");
        }
      }
    }
    contract_.messages.push_back(&type);
    return absl::OkStatus();
  }

  void UseEnum(const EnumDescriptor& type) {
    if (seen_enums_.insert(&type).second) {
      contract_.enums.push_back(&type);
    }
  }

  const FileDescriptor& file_;
  Contract contract_;
  absl::flat_hash_set<const Descriptor*> seen_messages_;
  absl::flat_hash_set<const EnumDescriptor*> seen_enums_;
  absl::flat_hash_set<std::string> typescript_names_;
  // Property clashes are checked under CAMEL_CASE, where distinct field names can meet
  // (`ward_id` and `wardId`); proto names are distinct already, and lower-casing catches names
  // that differ only in case under either naming.
  v1::WireNaming naming_for_checks_ = v1::CAMEL_CASE;
};

}  // namespace

bool IsEmpty(const Descriptor& type) { return type.full_name() == "google.protobuf.Empty"; }

bool IsTimestamp(const Descriptor& type) {
  return type.full_name() == "google.protobuf.Timestamp";
}

bool IsWrapper(const Descriptor& type) {
  return type.file()->name() == "google/protobuf/wrappers.proto";
}

bool IsNullable(const FieldDescriptor& field) {
  if (field.is_repeated()) {
    return false;
  }
  if (field.message_type() != nullptr) {
    return !IsTimestamp(*field.message_type());
  }
  return field.has_presence();
}

bool IsUpload(const FieldDescriptor& field) {
  return field.options().GetExtension(v1::field).upload();
}

absl::StatusOr<Contract> ReadContract(const FileDescriptor& file) {
  return ContractReader(file).Read();
}

}  // namespace hubgate::protoc_gen
