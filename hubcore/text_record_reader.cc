#include "hubcore/text_record_reader.h"

#include "hubcore/hub_errors.h"
#include "hubcore/json_hub_protocol.h"

namespace hubgate::hubcore {

// Empty records (two separators in a row, or a chunk starting with one while nothing is
// buffered) are skipped silently rather than reported: no official client writes them, the
// JSON parser would only turn them into a generic "Error reading JSON." close, and skipping
// keeps the reader independent of what a record means. (.NET hands the empty payload to the
// hub protocol, which then fails the connection.)
absl::Status TextRecordReader::Feed(
    std::string_view chunk, absl::FunctionRef<absl::Status(std::string_view record)> on_record) {
  size_t pos = 0;

  // Finish the record buffered by earlier calls, if any.
  if (!partial_.empty()) {
    const size_t end = chunk.find(kRecordSeparator);
    const size_t take = end == std::string_view::npos ? chunk.size() : end;
    if (partial_.size() + take > max_record_size_) {
      partial_.clear();
      return HubProtocolError(MaximumMessageSizeExceededText(max_record_size_));
    }
    partial_.append(chunk.data(), take);
    if (end == std::string_view::npos) {
      return absl::OkStatus();
    }
    // Clear the buffer before reporting an error, but keep its capacity for the next partial.
    absl::Status status = on_record(partial_);
    partial_.clear();
    if (!status.ok()) {
      return status;
    }
    pos = end + 1;
  }

  // Records fully inside the chunk are passed on without copying.
  while (pos < chunk.size()) {
    const size_t end = chunk.find(kRecordSeparator, pos);
    const size_t length = (end == std::string_view::npos ? chunk.size() : end) - pos;
    if (length > max_record_size_) {
      return HubProtocolError(MaximumMessageSizeExceededText(max_record_size_));
    }
    if (end == std::string_view::npos) {
      // Only the unterminated tail is buffered.
      partial_.assign(chunk.data() + pos, length);
      return absl::OkStatus();
    }
    if (length > 0) {
      absl::Status status = on_record(chunk.substr(pos, length));
      if (!status.ok()) {
        return status;
      }
    }
    pos = end + 1;
  }
  return absl::OkStatus();
}

}  // namespace hubgate::hubcore
