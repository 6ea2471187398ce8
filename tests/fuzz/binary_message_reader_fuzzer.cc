// VarInt length-prefix framing under every chunking, each payload parsed as a MessagePack hub
// message. Nothing buffered may exceed the limit (plus a prefix).
#include "fuzz_input.h"
#include "hubcore/binary_message_reader.h"
#include "hubcore/messagepack_hub_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kLimit = 1024;
  hubgate::hubcore::BinaryMessageReader reader(kLimit);
  hubgate::fuzz::ForEachChunk(hubgate::fuzz::AsText(data, size), [&](std::string_view chunk) {
    absl::Status status = reader.Feed(chunk, [](std::string_view payload) {
      HUBGATE_CHECK(payload.size() <= kLimit, "messages are bounded");
      hubgate::hubcore::MessagePackHubProtocol::Parse(payload).IgnoreError();
      return absl::OkStatus();
    });
    HUBGATE_CHECK(reader.buffered_bytes() <= kLimit + hubgate::hubcore::kMaxLengthPrefixSize,
                  "the partial message is bounded");
    return status.ok();
  });
  return 0;
}
