#include "gateway/ops/config_environment.h"

#include <cstdlib>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gateway/ops/config_rules.h"

namespace hubgate::gateway {

namespace {

absl::Status EnvError(absl::string_view name, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("environment ", name, ": ", what));
}

// The variable's value, or null when it is unset or empty.
const char* GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

// Splits "a, b,c" into its non-empty, trimmed items.
std::vector<std::string> SplitList(absl::string_view text) {
  std::vector<std::string> items;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) items.emplace_back(item);
  }
  return items;
}

absl::Status ApplyListenOverrides(GatewayConfig& config) {
  using Check = absl::Status (*)(std::string_view);
  const std::tuple<const char*, std::string*, Check> overrides[] = {
      {"HUBGATE_HTTP_LISTEN", &config.http_listen, config_rules::CheckBindAddress},
      {"HUBGATE_GRPC_LISTEN", &config.grpc_listen, config_rules::CheckGrpcAddress},
      {"HUBGATE_ADMIN_LISTEN", &config.admin_listen, config_rules::CheckBindAddress}};
  for (const auto& [name, field, check] : overrides) {
    if (const char* v = GetEnv(name)) {
      if (absl::Status s = check(v); !s.ok()) return EnvError(name, s.message());
      *field = v;
    }
  }
  return absl::OkStatus();
}

absl::Status ApplyShutdownOverrides(ShutdownConfig& shutdown) {
  for (auto [name, field] : {std::pair{"HUBGATE_SHUTDOWN_DRAIN_WINDOW", &shutdown.drain_window},
                             std::pair{"HUBGATE_SHUTDOWN_DEADLINE", &shutdown.deadline}}) {
    if (const char* v = GetEnv(name)) {
      absl::Duration d;
      if (!absl::ParseDuration(v, &d) || d <= absl::ZeroDuration() ||
          d == absl::InfiniteDuration()) {
        return EnvError(name, "expected a positive duration such as 15s");
      }
      *field = absl::ToChronoMilliseconds(d);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ApplyEnvironmentOverrides(GatewayConfig& config) {
  if (const char* v = GetEnv("HUBGATE_AUTH_HS256_SECRET")) config.auth.hs256_secret = v;
  if (absl::Status s = ApplyListenOverrides(config); !s.ok()) return s;
  if (const char* v = GetEnv("HUBGATE_LOG_FORMAT")) {
    if (!config_rules::IsLogFormat(v)) {
      return EnvError("HUBGATE_LOG_FORMAT", "expected text or json");
    }
    config.log_format = v;
  }
  if (absl::Status s = ApplyShutdownOverrides(config.shutdown); !s.ok()) return s;
  if (const char* v = GetEnv("HUBGATE_LOG_LEVEL")) {
    if (!config_rules::IsLogLevel(v)) {
      return EnvError("HUBGATE_LOG_LEVEL", "expected trace|debug|info|warn|error");
    }
    config.log_level = v;
  }
  if (const char* v = GetEnv("HUBGATE_WORKERS")) {
    if (!absl::SimpleAtoi(v, &config.workers) || config.workers < 0 ||
        config.workers > config_rules::kMaxWorkers) {
      return EnvError("HUBGATE_WORKERS", "expected an integer in 0..256");
    }
  }
  if (const char* v = GetEnv("HUBGATE_CORS_ALLOWED_ORIGINS")) {
    config.cors.allowed_origins = SplitList(v);
  }
  return absl::OkStatus();
}

}  // namespace hubgate::gateway
