#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/ops/config.h"

namespace hubgate::gateway {

// Who a validated token says the caller is.
struct Principal {
  std::string user_id;  // from the first configured user-id claim present; may be empty
  // Every claim: strings as they are, other JSON values in their JSON text.
  std::vector<std::pair<std::string, std::string>> claims;
  // The token's "exp" plus the allowed clock skew: when it stops being valid. Unset without exp.
  std::optional<absl::Time> expires_at;
};

// Validates JWT bearer tokens with libjwt: HS256 with the configured secret and RS256 with the
// configured public key. The token's "alg" must match a configured key ("none" and algorithm
// confusion are refused); "exp" and "nbf" are checked against `now`; "iss"/"aud" when configured.
// Tokens never appear in error messages or logs.
class JwtAuthenticator {
 public:
  static absl::StatusOr<std::unique_ptr<JwtAuthenticator>> Create(const AuthConfig& config);
  ~JwtAuthenticator();

  // Unauthenticated (with a short reason) for a bad, expired or unsigned token.
  absl::StatusOr<Principal> Authenticate(std::string_view token, absl::Time now) const;

 private:
  explicit JwtAuthenticator(AuthConfig config);
  AuthConfig config_;
};

// The bearer token of a request: "Authorization: Bearer X" first, else the access_token query
// parameter (already URL-decoded by the caller). nullopt when neither is there.
std::optional<std::string> ExtractBearerToken(std::string_view authorization_header,
                                              std::string_view access_token_query);

}  // namespace hubgate::gateway
