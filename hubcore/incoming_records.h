#pragma once

#include <cstddef>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hubcore/binary_message_reader.h"
#include "hubcore/hub_message.h"
#include "hubcore/hub_protocol.h"
#include "hubcore/text_record_reader.h"

namespace hubgate::hubcore {

// Splits what a peer sends into records, in any chunking: first the handshake, JSON text ending
// in 0x1E whatever protocol it selects, then JSON records (0x1E) or MessagePack messages
// (VarInt length prefixes), each at most max_message_size. Buffers are released when idle,
// since an idle connection's memory is the gateway's per-connection cost.
class IncomingRecords {
 public:
  using RecordHandler = absl::FunctionRef<absl::Status(std::string_view record)>;

  explicit IncomingRecords(size_t max_message_size)
      : text_(max_message_size), binary_(max_message_size) {}

  // Feeds `bytes` up to the end of the handshake record and removes that part from `bytes`:
  // what follows belongs to the protocol the handshake selects.
  absl::Status FeedHandshake(std::string_view& bytes, RecordHandler on_record);
  absl::Status FeedMessages(std::string_view bytes, HubProtocol protocol,
                            RecordHandler on_record);
  // Frees the buffers that hold no partial record.
  void ReleaseIdleBuffers();
  // Part of a record has arrived, not its end (a client that begins a record and never ends
  // it is cut off by the transport's partial-message time limit).
  bool HoldsPartialRecord() const {
    return text_.buffered_bytes() > 0 || binary_.buffered_bytes() > 0;
  }
  // Forgets partial records (their transport is gone; the client sends them again whole).
  void Reset();

  // One record as a hub message; NotFound for an unknown message type.
  static absl::StatusOr<HubMessage> Parse(std::string_view record, HubProtocol protocol);

 private:
  TextRecordReader text_;      // the handshake, then JSON messages
  BinaryMessageReader binary_;  // MessagePack messages
};

}  // namespace hubgate::hubcore
