#include "bench/record_scanner.h"

namespace hubgate::bench {
namespace {

constexpr std::string_view kType = "\"type\":";
constexpr std::string_view kArguments = "\"arguments\":[";
constexpr std::string_view kError = "\"error\":";

// Reads a non-negative decimal integer at the start of `text` (after optional spaces); -1 when
// there is none.
int64_t LeadingInteger(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && text[i] == ' ') {
    ++i;
  }
  int64_t value = 0;
  size_t digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 18; ++i, ++digits) {
    value = value * 10 + (text[i] - '0');
  }
  return digits == 0 ? -1 : value;
}

}  // namespace

RecordInfo ParseRecord(std::string_view record) {
  RecordInfo info;
  // The gateway writes "type" first ({"type":1,...}); other orders are found by search.
  size_t type_at = record.substr(0, 1 + kType.size()) == "{\"type\":" ? 1 : record.find(kType);
  if (type_at == std::string_view::npos) {
    return info;
  }
  const int64_t type = LeadingInteger(record.substr(type_at + kType.size()));
  info.type = type < 0 ? 0 : static_cast<int>(type);
  if (info.type == 1) {
    const size_t args_at = record.find(kArguments, type_at);
    if (args_at != std::string_view::npos) {
      info.first_argument = LeadingInteger(record.substr(args_at + kArguments.size()));
    }
  } else if (info.type == 3 || info.type == 7) {
    info.has_error = record.find(kError, type_at) != std::string_view::npos;
  }
  return info;
}

int64_t ParseRawTimestamp(std::string_view message) {
  return message.substr(0, 1) == "[" ? LeadingInteger(message.substr(1)) : -1;
}

}  // namespace hubgate::bench
