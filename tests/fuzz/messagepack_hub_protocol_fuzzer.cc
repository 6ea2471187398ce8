// The MessagePack hub protocol parser, fed one payload. Whatever it accepts must survive a round
// trip: written back (with its length prefix) and parsed again, it parses.
#include <string>

#include "fuzz_input.h"
#include "hubcore/binary_message_reader.h"
#include "hubcore/messagepack_hub_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hubgate::hubcore::MessagePackHubProtocol;
  auto message = MessagePackHubProtocol::Parse(hubgate::fuzz::AsText(data, size));
  if (!message.ok()) {
    return 0;
  }
  std::string written;
  MessagePackHubProtocol::Write(*message, &written);
  hubgate::hubcore::BinaryMessageReader reader(written.size());
  int messages = 0;
  absl::Status status = reader.Feed(written, [&](std::string_view payload) {
    ++messages;
    return MessagePackHubProtocol::Parse(payload).status();
  });
  HUBGATE_CHECK(status.ok() && messages == 1, "what we write, we read");
  return 0;
}
