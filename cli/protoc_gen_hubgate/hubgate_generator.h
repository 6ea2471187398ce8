#pragma once

// protoc-gen-hubgate's CodeGenerator: reads a contract and writes <base>.hubgate.{h,cc,ts}.
// Parameters (--hubgate_opt): "cpp=false" and "ts=false" skip one language.

#include <string>

#include "google/protobuf/compiler/code_generator.h"

namespace hubgate::protoc_gen {

class HubgateGenerator final : public google::protobuf::compiler::CodeGenerator {
 public:
  bool Generate(const google::protobuf::FileDescriptor* file, const std::string& parameter,
                google::protobuf::compiler::GeneratorContext* context,
                std::string* error) const override;

  uint64_t GetSupportedFeatures() const override { return FEATURE_PROTO3_OPTIONAL; }
};

}  // namespace hubgate::protoc_gen
