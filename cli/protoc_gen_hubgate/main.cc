// protoc-gen-hubgate: typed C++ (backends) and TypeScript (browsers) from hub contracts.
//   protoc --plugin=protoc-gen-hubgate=... --hubgate_out=DIR contract.proto
// See docs/typed-hubs.md.

#include "cli/protoc_gen_hubgate/hubgate_generator.h"
#include "google/protobuf/compiler/plugin.h"

int main(int argc, char* argv[]) {
  hubgate::protoc_gen::HubgateGenerator generator;
  return google::protobuf::compiler::PluginMain(argc, argv, &generator);
}
