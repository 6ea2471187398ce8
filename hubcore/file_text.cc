#include "hubcore/file_text.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace hubgate::hubcore {

absl::StatusOr<std::string> ReadFileText(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path));
  }
  std::string text;
  char chunk[8192];
  while (in.read(chunk, sizeof(chunk)) || in.gcount() > 0) {
    const size_t got = static_cast<size_t>(in.gcount());
    if (got > max_bytes - text.size()) {
      return absl::ResourceExhaustedError(
          absl::StrCat(path, " is larger than ", max_bytes, " bytes"));
    }
    text.append(chunk, got);
  }
  if (in.bad()) {
    return absl::DataLossError(absl::StrCat("cannot read ", path));
  }
  return text;
}

}  // namespace hubgate::hubcore
