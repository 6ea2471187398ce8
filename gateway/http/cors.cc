#include "gateway/http/cors.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::gateway {

namespace {
constexpr std::string_view kDefaultMethods = "GET, POST, DELETE, OPTIONS";
}  // namespace

std::optional<std::string> Cors::AllowedOrigin(const CorsConfig& config,
                                               std::string_view origin) {
  if (origin.empty()) {
    return std::nullopt;
  }
  for (const std::string& allowed : config.allowed_origins) {
    if (absl::EqualsIgnoreCase(allowed, AsAbsl(origin))) {
      return std::string(origin);
    }
  }
  return std::nullopt;
}

Cors::Headers Cors::ResponseHeaders(const std::string& allowed_origin) {
  return {{"Access-Control-Allow-Origin", allowed_origin},
          {"Access-Control-Allow-Credentials", "true"},
          {"Vary", "Origin"}};
}

Cors::Headers Cors::PreflightHeaders(const CorsConfig& config, const std::string& allowed_origin,
                                     std::string_view request_method,
                                     std::string_view request_headers) {
  Headers headers = ResponseHeaders(allowed_origin);
  headers.emplace_back("Access-Control-Allow-Methods",
                       std::string(request_method.empty() ? kDefaultMethods : request_method));
  if (!request_headers.empty()) {
    headers.emplace_back("Access-Control-Allow-Headers", std::string(request_headers));
  }
  headers.emplace_back("Access-Control-Max-Age", absl::StrCat(config.max_age.count()));
  return headers;
}

}  // namespace hubgate::gateway
