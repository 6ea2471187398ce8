#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

// Typed reads of YAML configuration fields. Every error names the field's path and line
// ("hubs[0].max_message_size (line 7): expected a positive integer"), so that a mistake in a
// long file is found at once. Internal to the configuration parser (config_yaml.cc).
namespace hubgate::gateway::yaml_fields {

// "path (line N): what", or "path: what" when the node has no position.
absl::Status KeyError(absl::string_view path, const YAML::Node& node, absl::string_view what);

using KeyFn =
    absl::FunctionRef<absl::Status(std::string_view key, const YAML::Node& value,
                                   const std::string& path)>;
// Calls `fn` for every entry of the mapping `node` (at `path`, "" for the top level), with the
// entry's own path; unknown, repeated and valueless keys are errors.
absl::Status ForEachKey(const YAML::Node& node, const std::string& path,
                        std::initializer_list<std::string_view> keys, KeyFn fn);

absl::Status ReadString(const YAML::Node& node, const std::string& path, std::string& out);
absl::Status ReadBool(const YAML::Node& node, const std::string& path, bool& out);
// An integer in min..max; `expected` says which when it is not.
absl::Status ReadInt(const YAML::Node& node, const std::string& path, int64_t min, int64_t max,
                     absl::string_view expected, int64_t& out);
// A positive integer.
absl::Status ReadSize(const YAML::Node& node, const std::string& path, size_t& out);
// A positive duration of at least 1ms: "15s", "500ms", "1m30s".
absl::Status ReadDuration(const YAML::Node& node, const std::string& path,
                          std::chrono::milliseconds& out);
// Like ReadDuration, but "0s" is allowed (e.g. no clock skew).
absl::Status ReadNonNegativeDuration(const YAML::Node& node, const std::string& path,
                                     std::chrono::milliseconds& out);
// A list of non-empty strings; `expected_item` describes one ("a non-empty claim name").
absl::Status ReadStringList(const YAML::Node& node, const std::string& path,
                            absl::string_view expected_list, absl::string_view expected_item,
                            std::vector<std::string>& out);

}  // namespace hubgate::gateway::yaml_fields
