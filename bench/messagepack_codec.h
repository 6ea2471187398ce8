#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bench/record_scanner.h"

namespace hubgate::bench {

// SignalR MessagePack hub protocol for the bench: a cheap reader (no DOM, bounded against the
// buffer end so a malformed message is reported, never read past) and the few writers the
// client needs. Framing: each hub message is a VarInt length (7 bits per byte, LSB first,
// at most 5 bytes) followed by one msgpack array.

// The Ping message [6] with its length prefix.
inline constexpr std::string_view kMessagePackPing{"\x02\x91\x06", 3};

// Reads the VarInt length prefix at the start of `data`. Returns the number of prefix bytes
// (1..5) and stores the length, or 0 when the prefix is malformed or incomplete.
size_t ReadLengthPrefix(std::string_view data, uint64_t* length);
// Appends the VarInt length prefix of `length`.
void AppendLengthPrefix(uint64_t length, std::string* out);

// Reads one hub message (the msgpack array without its length prefix). `ok` is false when
// the message is malformed (then the other fields are unspecified).
RecordInfo ParseMessagePackRecord(std::string_view record, bool* ok);

// Scans a binary WebSocket message holding one or more length-prefixed hub messages and calls
// `on_record(const RecordInfo&)` for each. Returns false when a length prefix or a message is
// malformed or cut short (the records before it were delivered).
template <typename OnRecord>
bool ScanMessagePackRecords(std::string_view message, OnRecord&& on_record) {
  while (!message.empty()) {
    uint64_t length = 0;
    const size_t prefix = ReadLengthPrefix(message, &length);
    if (prefix == 0 || length > message.size() - prefix) {
      return false;
    }
    bool ok = false;
    const RecordInfo info = ParseMessagePackRecord(message.substr(prefix, length), &ok);
    if (!ok) {
      return false;
    }
    on_record(info);
    message.remove_prefix(prefix + length);
  }
  return true;
}

// Converts a JSON array text (the --invoke_args flag) to its msgpack encoding. Returns false
// (and sets `error`) when the text is not a JSON array.
bool JsonArgumentsToMessagePack(std::string_view json, std::string* out, std::string* error);

// A length-prefixed Invocation [1, {}, "<id>", target, args, []]; `arguments` is an encoded
// msgpack array (from JsonArgumentsToMessagePack).
std::string EncodeMessagePackInvocation(uint32_t invocation_id, std::string_view target,
                                        std::string_view arguments);

}  // namespace hubgate::bench
