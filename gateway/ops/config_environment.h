#pragma once

#include "absl/status/status.h"
#include "gateway/ops/config.h"

namespace hubgate::gateway {

// Applies the HUBGATE_* environment variables that override configuration keys (secrets and
// common options; the table is in docs/configuration.md). Empty variables are ignored; a value
// that does not parse is an error naming the variable. Part of FinalizeConfig.
absl::Status ApplyEnvironmentOverrides(GatewayConfig& config);

}  // namespace hubgate::gateway
