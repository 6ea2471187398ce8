// MessagePack -> Value -> MessagePack -> Value: what we write from a decoded value decodes to the
// same bytes again (our writer is canonical).
#include <string>

#include "fuzz_input.h"
#include "hubcore/messagepack_value_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hubgate::hubcore::MessagePackValueCodec;
  const std::string_view input = hubgate::fuzz::AsText(data, size);
  MessagePackValueCodec::ParseArray(input).IgnoreError();
  auto value = MessagePackValueCodec::Parse(input);
  if (!value.ok()) {
    return 0;
  }
  std::string once;
  MessagePackValueCodec::Write(*value, &once);
  auto again = MessagePackValueCodec::Parse(once);
  HUBGATE_CHECK(again.ok(), "what we write, we read");
  std::string twice;
  MessagePackValueCodec::Write(*again, &twice);
  HUBGATE_CHECK(once == twice, "the MessagePack mapping is stable");
  return 0;
}
