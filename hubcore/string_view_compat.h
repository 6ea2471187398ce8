#pragma once

// Debian 12's abseil is built with ABSL_OPTION_USE_STD_STRING_VIEW=0, so absl::string_view is
// its own type and does not convert to or from std::string_view. These helpers make the
// crossing explicit and cheap (no copy).
#include <string_view>

#include "absl/strings/string_view.h"

namespace hubgate {

inline absl::string_view AsAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view AsStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace hubgate
