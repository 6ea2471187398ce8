#pragma once

#include <cstdint>
#include <string_view>

namespace hubgate::bench {

// What one SignalR record carries, found without a DOM. JSON: the text up to its 0x1E
// terminator (below); MessagePack: see messagepack_codec.h.
struct RecordInfo {
  int type = 0;  // SignalR message type; 0 when the record has no readable "type"
  // Invocations: the first argument when it is a non-negative integer (the bench's send
  // timestamp, microseconds since the Unix epoch); -1 otherwise.
  int64_t first_argument = -1;
  bool has_error = false;  // Completion/Close: an "error" property is present
  // Completions (MessagePack only): the invocation id when it is a decimal string; -1 otherwise.
  int64_t invocation_id = -1;
};

// Scans a WebSocket message holding one or more whole records (each ends with 0x1E) and calls
// `on_record(const RecordInfo&)` for each. Bytes after the last terminator are ignored (the
// gateway never splits a record across WebSocket messages). Returns the number of records.
template <typename OnRecord>
size_t ScanRecords(std::string_view message, OnRecord&& on_record);

// Reads one record (without its terminator).
RecordInfo ParseRecord(std::string_view record);

// A raw WebSocket message (nginx-nchan: the published body as is), "[<send time in µs>,...":
// the timestamp, or -1 when the message does not start with one.
int64_t ParseRawTimestamp(std::string_view message);

template <typename OnRecord>
size_t ScanRecords(std::string_view message, OnRecord&& on_record) {
  size_t count = 0;
  while (!message.empty()) {
    const size_t end = message.find('\x1e');
    if (end == std::string_view::npos) {
      break;
    }
    on_record(ParseRecord(message.substr(0, end)));
    ++count;
    message.remove_prefix(end + 1);
  }
  return count;
}

}  // namespace hubgate::bench
