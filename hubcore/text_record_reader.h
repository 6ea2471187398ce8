#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"

namespace hubgate::hubcore {

// Splits a byte stream into records terminated by 0x1E. Data may arrive in any chunking: several
// records in one chunk, or one record split across chunks. A record (or an unterminated tail)
// longer than the limit is an error, reported as a HubProtocolError whose message is
// MaximumMessageSizeExceededText(limit).
class TextRecordReader {
 public:
  explicit TextRecordReader(size_t max_record_size) : max_record_size_(max_record_size) {}

  // Calls on_record for every complete record (without the separator). Stops at the first
  // error returned by on_record or by the size check and returns it.
  absl::Status Feed(std::string_view chunk,
                    absl::FunctionRef<absl::Status(std::string_view record)> on_record);

  size_t buffered_bytes() const { return partial_.size(); }
  // Frees the buffer of a partial record (call when idle to keep per-connection memory small).
  void ShrinkToFit() { partial_.shrink_to_fit(); }
  // Forgets a partial record (its transport is gone; the client sends it again whole).
  void Reset() { partial_.clear(); }

 private:
  size_t max_record_size_;
  std::string partial_;
};

}  // namespace hubgate::hubcore
