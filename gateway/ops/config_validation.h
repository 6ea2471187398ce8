#pragma once

#include "absl/status/status.h"
#include "gateway/ops/config.h"

namespace hubgate::gateway {

// The rules no single key can check: every value in range whichever source set it (YAML,
// flags, environment), unique hub names and paths, auth configured when a hub requires it,
// the shutdown window inside its deadline, no CORS wildcard. Errors name the key. Part of
// FinalizeConfig.
absl::Status ValidateConfig(const GatewayConfig& config);

}  // namespace hubgate::gateway
