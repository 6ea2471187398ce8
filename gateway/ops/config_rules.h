#pragma once

#include <string_view>

#include "absl/status/status.h"

// Value rules shared by the YAML parser, the environment overrides and the final validation,
// so that a value is judged the same wherever it comes from. Internal to the configuration.
namespace hubgate::gateway::config_rules {

inline constexpr int kMaxWorkers = 256;

bool IsLogLevel(std::string_view level);
bool IsLogFormat(std::string_view format);
bool IsHttpUrl(std::string_view url);

// http.listen and admin.listen: an address the gateway's own listeners can bind (see
// ParseListenAddress). grpc.listen: gRPC resolves names itself, so only the host:port form is
// checked (see GrpcListenAddress). The error text says what is wrong, without a key.
absl::Status CheckBindAddress(std::string_view listen);
absl::Status CheckGrpcAddress(std::string_view listen);

}  // namespace hubgate::gateway::config_rules
