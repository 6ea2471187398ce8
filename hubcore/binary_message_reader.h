#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

namespace hubgate::hubcore {

// The length prefix of binary (MessagePack) hub messages: the payload size as a VarInt, 7 bits
// per byte, least significant group first, high bit set on every byte but the last; at most 5
// bytes, so at most 2 GiB - 1 (HubProtocol.md, "Binary encoding"; BinaryMessageFormat.ts).
inline constexpr size_t kMaxLengthPrefixSize = 5;
inline constexpr uint64_t kMaxBinaryMessageSize = (uint64_t{1} << 31) - 1;

// Appends the length prefix for a payload of `length` bytes (length <= kMaxBinaryMessageSize).
void AppendLengthPrefix(size_t length, std::string* out);

// Splits a byte stream into length-prefixed messages. Data may arrive in any chunking: several
// messages in one chunk, or one message (even its prefix) split across chunks. The declared
// length is checked against the limit as soon as the prefix is complete, before any payload is
// buffered; a larger message is a HubProtocolError whose message is
// MaximumMessageSizeExceededText(limit). A prefix longer than 5 bytes or above 2 GiB is a
// HubProtocolError too. After an error the reader must not be fed again.
class BinaryMessageReader {
 public:
  explicit BinaryMessageReader(size_t max_message_size) : max_message_size_(max_message_size) {}

  // Calls on_message for every complete message (the payload, without its prefix; may be empty).
  // Stops at the first error returned by on_message or by the checks above and returns it.
  absl::Status Feed(std::string_view chunk,
                    absl::FunctionRef<absl::Status(std::string_view payload)> on_message);

  // Bytes of an incomplete message held between calls (prefix and payload).
  size_t buffered_bytes() const { return prefix_bytes_ + partial_.size(); }
  // Frees the buffer of a partial message (call when idle to keep per-connection memory small).
  void ShrinkToFit() { partial_.shrink_to_fit(); }

  // Forgets a partial message (its transport is gone; the client sends it again whole).
  void Reset();

 private:
  // Consumes prefix bytes from data starting at *pos; returns an error or OK (complete or not).
  absl::Status ReadPrefix(std::string_view data, size_t* pos);

  size_t max_message_size_;
  // The prefix being read: value so far and number of bytes seen.
  uint64_t prefix_value_ = 0;
  size_t prefix_bytes_ = 0;
  bool have_length_ = false;
  // The payload of a message split across chunks (only while have_length_).
  std::string partial_;
};

}  // namespace hubgate::hubcore
