#include "bench/source_addresses.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace hubgate::bench {

std::optional<std::vector<std::string>> ParseSources(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) {
    return out;
  }
  std::vector<std::string> range = absl::StrSplit(text, '-');
  if (range.size() == 2) {
    const size_t dot_a = range[0].rfind('.');
    const size_t dot_b = range[1].rfind('.');
    int first = 0;
    int last = 0;
    if (dot_a == std::string::npos || dot_b == std::string::npos ||
        range[0].substr(0, dot_a) != range[1].substr(0, dot_b) ||
        !absl::SimpleAtoi(range[0].substr(dot_a + 1), &first) ||
        !absl::SimpleAtoi(range[1].substr(dot_b + 1), &last) || first > last || last > 255) {
      return std::nullopt;
    }
    for (int i = first; i <= last; ++i) {
      out.push_back(absl::StrCat(range[0].substr(0, dot_a + 1), i));
    }
    return out;
  }
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    out.emplace_back(part);
  }
  return out;
}

}  // namespace hubgate::bench
