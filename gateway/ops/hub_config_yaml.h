#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "absl/status/status.h"
#include "hubcore/hub_options.h"

namespace hubgate::gateway {

// Reads one entry of `hubs` (at `hub_path`, e.g. "hubs[0]") over the defaults in `hub`. The
// path defaults to /hubs/<name>. Internal to the configuration parser (config_yaml.cc).
absl::Status ParseHubYaml(const YAML::Node& node, const std::string& hub_path,
                          hubcore::HubOptions& hub);

}  // namespace hubgate::gateway
