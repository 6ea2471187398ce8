#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/ops/config.h"

namespace hubgate::gateway {

// Cross-origin rules for browsers on another origin (pure decisions, no I/O). SignalR clients
// send credentials (cookies, Authorization) and custom headers, so an allowed origin is always
// echoed (never "*") together with Access-Control-Allow-Credentials: true.
class Cors {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // The value for Access-Control-Allow-Origin: the request's Origin when the configuration
  // allows it, else nullopt (no CORS headers; the browser then blocks the response). The
  // origins are compared exactly (ignoring case); the opaque origin "null" only when listed.
  static std::optional<std::string> AllowedOrigin(const CorsConfig& config,
                                                  std::string_view origin);

  // Headers of an actual response for an allowed origin.
  static Headers ResponseHeaders(const std::string& allowed_origin);

  // Headers of a preflight (OPTIONS) answer for an allowed origin: the requested method (or
  // GET, POST, DELETE, OPTIONS) and headers are echoed, with the configured max age.
  static Headers PreflightHeaders(const CorsConfig& config, const std::string& allowed_origin,
                                  std::string_view request_method,
                                  std::string_view request_headers);
};

}  // namespace hubgate::gateway
