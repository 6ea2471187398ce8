#pragma once

#include <yaml-cpp/yaml.h>

#include "absl/status/status.h"

// Settings that look plausible but are not hubgate's: a top-level `redis` section or
// HUBGATE_REDIS_* variables (Redis belongs in `backplane`). Ignoring them would be worse than
// refusing them: an operator would run several replicas believing they share their clients.
namespace hubgate::gateway {

// `redis` at the top of the configuration file: an error naming the key and the right one.
absl::Status RejectUnsupportedYaml(const YAML::Node& root);

// HUBGATE_REDIS_* in the environment: an error naming the variable.
absl::Status RejectUnsupportedEnvironment();

}  // namespace hubgate::gateway
