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
    "scale-out over Redis (a backplane) is not implemented in this version of hubgate: every "
    "replica would reach only its own clients. Remove it and run one replica "
    "(docs/security.md, helm/hubgate/README.md)";

}  // namespace

absl::Status RejectUnsupportedYaml(const YAML::Node& root) {
  if (!root.IsMap()) return absl::OkStatus();
  for (const char* key : {"redis", "backplane"}) {
    if (root[key]) return yaml_fields::KeyError(key, root[key], kWhy);
  }
  return absl::OkStatus();
}

absl::Status RejectUnsupportedEnvironment() {
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const absl::string_view variable(*entry);
    const absl::string_view name = variable.substr(0, variable.find('='));
    if (absl::StartsWith(name, "HUBGATE_REDIS_") || absl::StartsWith(name, "HUBGATE_BACKPLANE")) {
      return absl::InvalidArgumentError(absl::StrCat("environment ", name, ": ", kWhy));
    }
  }
  return absl::OkStatus();
}

}  // namespace hubgate::gateway
