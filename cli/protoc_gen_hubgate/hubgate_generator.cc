#include "cli/protoc_gen_hubgate/hubgate_generator.h"

#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "cli/protoc_gen_hubgate/contract_model.h"
#include "cli/protoc_gen_hubgate/cpp_emitter.h"
#include "cli/protoc_gen_hubgate/ts_emitter.h"
#include "google/protobuf/io/zero_copy_stream.h"
#include "google/protobuf/io/printer.h"

namespace hubgate::protoc_gen {
namespace {

struct Languages {
  bool cpp = true;
  bool ts = true;
};

bool ParseParameter(const std::string& parameter, Languages& languages, std::string* error) {
  for (absl::string_view option : absl::StrSplit(parameter, ',', absl::SkipEmpty())) {
    if (option == "cpp=false") {
      languages.cpp = false;
    } else if (option == "ts=false") {
      languages.ts = false;
    } else if (option != "cpp=true" && option != "ts=true") {
      *error = absl::StrCat("unknown option '", option, "' (known: cpp=false, ts=false)");
      return false;
    }
  }
  return true;
}

void Write(google::protobuf::compiler::GeneratorContext& context, const std::string& name,
           const std::string& content) {
  std::unique_ptr<google::protobuf::io::ZeroCopyOutputStream> output(context.Open(name));
  google::protobuf::io::Printer printer(output.get(), '$');
  printer.PrintRaw(content);
}

}  // namespace

bool HubgateGenerator::Generate(const google::protobuf::FileDescriptor* file,
                                const std::string& parameter,
                                google::protobuf::compiler::GeneratorContext* context,
                                std::string* error) const {
  Languages languages;
  if (!ParseParameter(parameter, languages, error)) {
    return false;
  }
  absl::StatusOr<Contract> contract = ReadContract(*file);
  if (!contract.ok()) {
    *error = std::string(contract.status().message());
    return false;
  }
  const std::string base(absl::StripSuffix(file->name(), ".proto"));
  if (languages.cpp) {
    CppFiles files = EmitCpp(*contract, base);
    Write(*context, base + ".hubgate.h", files.header);
    Write(*context, base + ".hubgate.cc", files.source);
  }
  if (languages.ts) {
    Write(*context, base + ".hubgate.ts", EmitTypeScript(*contract));
  }
  return true;
}

}  // namespace hubgate::protoc_gen
