#pragma once

#include <string_view>

namespace hubgate::gateway {

// Sets up spdlog's default logger: `format` "text" (human-readable lines) or "json" (one JSON
// object per line: time, level, thread, msg), at `level` (trace..error). Messages never carry
// tokens or secrets: the code logs connection ids, hub names and reasons only.
void ConfigureLogging(std::string_view format, std::string_view level);

}  // namespace hubgate::gateway
