#include "gateway/ops/unsupported_settings.h"

#include <string>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/ops/yaml_fields.h"

extern char** environ;

namespace hubgate::gateway {
namespace {

constexpr absl::string_view kWhy =
    "Redis is configured in the backplane section (backplane: {type: redis, addresses: "
    "[...]}, docs/scale-out.md)";
constexpr absl::string_view kWhyEnvironment =
    "Redis is configured with HUBGATE_BACKPLANE_ADDRESSES and the other HUBGATE_BACKPLANE_* "
    "variables (docs/scale-out.md)";

}  // namespace

absl::Status RejectUnsupportedYaml(const YAML::Node& root) {
  if (!root.IsMap()) return absl::OkStatus();
  if (root["redis"]) return yaml_fields::KeyError("redis", root["redis"], kWhy);
  return absl::OkStatus();
}

absl::Status RejectUnsupportedEnvironment() {
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const absl::string_view variable(*entry);
    const absl::string_view name = variable.substr(0, variable.find('='));
    if (absl::StartsWith(name, "HUBGATE_REDIS_")) {
      return absl::InvalidArgumentError(absl::StrCat("environment ", name, ": ", kWhyEnvironment));
    }
  }
  return absl::OkStatus();
}

}  // namespace hubgate::gateway
