// The YAML configuration loader: any text gives a configuration or an error naming the key,
// never a crash or a hang.
#include "fuzz_input.h"
#include "gateway/ops/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto config = hubgate::gateway::ParseConfigYaml(hubgate::fuzz::AsText(data, size));
  if (!config.ok()) {
    HUBGATE_CHECK(!config.status().message().empty(), "errors say what is wrong");
  }
  return 0;
}
