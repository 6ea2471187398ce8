#pragma once

#include <cstddef>
#include <limits>
#include <string>

#include "absl/status/statusor.h"

namespace hubgate::hubcore {

// The whole contents of the file at `path`: the one way the gateway and the gRPC side read a
// configuration, key or certificate file. NotFound ("cannot open <path>") when it cannot be
// opened, DataLoss ("cannot read <path>") when reading fails, ResourceExhausted ("<path> is
// larger than <max_bytes> bytes") past `max_bytes` (nothing beyond it is read).
absl::StatusOr<std::string> ReadFileText(
    const std::string& path, size_t max_bytes = std::numeric_limits<size_t>::max());

}  // namespace hubgate::hubcore
