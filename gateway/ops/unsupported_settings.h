#pragma once

#include <yaml-cpp/yaml.h>

#include "absl/status/status.h"

// Settings for features this version of hubgate does not have. Ignoring them would be worse
// than refusing them: with a Redis "backplane" configured, an operator runs several replicas
// and every push silently reaches only the clients of the replica that received it.
namespace hubgate::gateway {

// `redis` or `backplane` at the top of the configuration file: an error naming the key.
absl::Status RejectUnsupportedYaml(const YAML::Node& root);

// HUBGATE_REDIS_* or HUBGATE_BACKPLANE* in the environment: an error naming the variable.
absl::Status RejectUnsupportedEnvironment();

}  // namespace hubgate::gateway
