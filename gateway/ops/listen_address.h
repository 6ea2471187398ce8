#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "gateway/ops/net.h"

namespace hubgate::gateway {

// Splits "host:port" / "[v6]:port". InvalidArgument when it does not have that form.
absl::StatusOr<tcp::endpoint> ParseListenAddress(const std::string& listen);

}  // namespace hubgate::gateway
