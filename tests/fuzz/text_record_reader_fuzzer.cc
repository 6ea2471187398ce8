// 0x1E framing under every chunking, each record parsed as a JSON hub message. Nothing buffered
// may exceed the limit.
#include "fuzz_input.h"
#include "hubcore/json_hub_protocol.h"
#include "hubcore/text_record_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr size_t kLimit = 1024;
  hubgate::hubcore::TextRecordReader reader(kLimit);
  hubgate::fuzz::ForEachChunk(hubgate::fuzz::AsText(data, size), [&](std::string_view chunk) {
    absl::Status status = reader.Feed(chunk, [](std::string_view record) {
      HUBGATE_CHECK(record.size() <= kLimit, "records are bounded");
      hubgate::hubcore::JsonHubProtocol::Parse(record).IgnoreError();
      return absl::OkStatus();
    });
    HUBGATE_CHECK(reader.buffered_bytes() <= kLimit, "the partial record is bounded");
    return status.ok();
  });
  return 0;
}
