#include "hubcore/binary_message_reader.h"

#include <algorithm>

#include "hubcore/hub_errors.h"

namespace hubgate::hubcore {

void AppendLengthPrefix(size_t length, std::string* out) {
  do {
    uint8_t group = length & 0x7f;
    length >>= 7;
    if (length > 0) {
      group |= 0x80;
    }
    out->push_back(static_cast<char>(group));
  } while (length > 0);
}

// The prefix is decoded byte by byte, so one split anywhere inside it needs no buffer.
absl::Status BinaryMessageReader::ReadPrefix(std::string_view data, size_t* pos) {
  while (*pos < data.size()) {
    const auto byte = static_cast<uint8_t>(data[*pos]);
    ++*pos;
    prefix_value_ |= uint64_t{byte & 0x7fu} << (7 * prefix_bytes_);
    ++prefix_bytes_;
    // The 5th byte may only carry the top 3 bits of a 31-bit length and ends the prefix.
    if (prefix_bytes_ == kMaxLengthPrefixSize && byte > 0x07) {
      return HubProtocolError("Messages over 2GB in size are not supported.");
    }
    if ((byte & 0x80) == 0) {
      if (prefix_value_ > max_message_size_) {
        return HubProtocolError(MaximumMessageSizeExceededText(max_message_size_));
      }
      have_length_ = true;
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

void BinaryMessageReader::Reset() {
  prefix_value_ = 0;
  prefix_bytes_ = 0;
  have_length_ = false;
  partial_.clear();  // keeps its capacity for the next split message
}

absl::Status BinaryMessageReader::Feed(
    std::string_view chunk, absl::FunctionRef<absl::Status(std::string_view payload)> on_message) {
  size_t pos = 0;
  for (;;) {
    if (!have_length_) {
      if (pos == chunk.size()) {
        return absl::OkStatus();
      }
      absl::Status status = ReadPrefix(chunk, &pos);
      if (!status.ok()) {
        Reset();
        return status;
      }
      if (!have_length_) {
        return absl::OkStatus();  // the chunk ended inside the prefix
      }
    }
    const auto length = static_cast<size_t>(prefix_value_);
    const size_t available = chunk.size() - pos;
    if (partial_.empty() && available >= length) {
      // The whole payload is inside the chunk: pass it on without copying.
      const std::string_view payload = chunk.substr(pos, length);
      pos += length;
      Reset();
      absl::Status status = on_message(payload);
      if (!status.ok()) {
        return status;
      }
      continue;
    }
    const size_t take = std::min(length - partial_.size(), available);
    partial_.append(chunk.data() + pos, take);
    pos += take;
    if (partial_.size() < length) {
      return absl::OkStatus();
    }
    absl::Status status = on_message(partial_);
    Reset();
    if (!status.ok()) {
      return status;
    }
  }
}

}  // namespace hubgate::hubcore
