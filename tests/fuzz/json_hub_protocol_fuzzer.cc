// The JSON hub protocol parser, fed one record. Whatever it accepts must survive a round trip:
// written back and parsed again, it parses.
#include <string>

#include "fuzz_input.h"
#include "hubcore/json_hub_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hubgate::hubcore::JsonHubProtocol;
  auto message = JsonHubProtocol::Parse(hubgate::fuzz::AsText(data, size));
  if (!message.ok()) {
    return 0;
  }
  std::string written;
  JsonHubProtocol::Write(*message, &written);
  HUBGATE_CHECK(!written.empty() && written.back() == '\x1e', "a record ends with 0x1E");
  written.pop_back();
  HUBGATE_CHECK(JsonHubProtocol::Parse(written).ok(), "what we write, we read");
  return 0;
}
