// The handshake request parser, with each set of supported protocols. A refusal's text is sent to
// the client, so it must be valid to embed in the error response.
#include <string>

#include "fuzz_input.h"
#include "hubcore/handshake.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hubgate::hubcore::Handshake;
  const std::string_view record = hubgate::fuzz::AsText(data, size);
  for (bool messagepack : {false, true}) {
    auto request = Handshake::ParseRequest(record, {.json = true, .messagepack = messagepack});
    if (!request.ok()) {
      const std::string response = Handshake::ErrorResponse(std::string(request.status().message()));
      HUBGATE_CHECK(response.back() == '\x1e', "the error response is one record");
    }
  }
  return 0;
}
