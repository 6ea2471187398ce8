#include "hubcore/incoming_records.h"

#include "hubcore/json_hub_protocol.h"
#include "hubcore/messagepack_hub_protocol.h"

namespace hubgate::hubcore {

absl::Status IncomingRecords::FeedHandshake(std::string_view& bytes, RecordHandler on_record) {
  const size_t end = bytes.find(kRecordSeparator);
  const std::string_view handshake =
      end == std::string_view::npos ? bytes : bytes.substr(0, end + 1);
  bytes.remove_prefix(handshake.size());
  return text_.Feed(handshake, on_record);
}

absl::Status IncomingRecords::FeedMessages(std::string_view bytes, HubProtocol protocol,
                                           RecordHandler on_record) {
  return protocol == HubProtocol::kMessagePack ? binary_.Feed(bytes, on_record)
                                               : text_.Feed(bytes, on_record);
}

void IncomingRecords::ReleaseIdleBuffers() {
  if (text_.buffered_bytes() == 0) {
    text_.ShrinkToFit();
  }
  if (binary_.buffered_bytes() == 0) {
    binary_.ShrinkToFit();
  }
}

void IncomingRecords::Reset() {
  text_.Reset();
  binary_.Reset();
}

absl::StatusOr<HubMessage> IncomingRecords::Parse(std::string_view record, HubProtocol protocol) {
  return protocol == HubProtocol::kMessagePack ? MessagePackHubProtocol::Parse(record)
                                               : JsonHubProtocol::Parse(record);
}

}  // namespace hubgate::hubcore
