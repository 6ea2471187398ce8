#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hubgate::gateway {

// Negotiate's connectionToken as several replicas need it (docs/scale-out.md): signed with the
// cluster secret, so that the replica a transport request lands on can check a token another
// replica issued without asking anyone. The token binds the connection id, the hub and the
// user (as a digest: neither is readable from the token) and the time by which the connection
// must be claimed; it stays the connection's secret afterwards, as on one node.
//
// Layout before base64url: version (1 byte) | claim deadline (8 bytes, ms since the Unix epoch,
// big-endian) | digest of hub and user (16 bytes) | connection id length (1 byte) | connection
// id | HMAC-SHA256 over everything before it (32 bytes).
class ConnectionTokenSigner {
 public:
  struct Claims {
    std::string connection_id;
    // Transports must claim the connection by then; later requests of a claimed connection
    // are not held to it.
    std::chrono::system_clock::time_point claim_deadline;
  };

  // `secret`: backplane.token_secret, at least 32 bytes (checked by the configuration).
  explicit ConnectionTokenSigner(std::string secret) : secret_(std::move(secret)) {}

  std::string Issue(std::string_view connection_id, std::string_view hub,
                    std::string_view user_id,
                    std::chrono::system_clock::time_point claim_deadline) const;

  // InvalidArgument for a token this cluster did not issue, or issued for another hub or user
  // (the message says which, never echoing the token).
  absl::StatusOr<Claims> Verify(std::string_view token, std::string_view hub,
                                std::string_view user_id) const;

 private:
  std::string Digest(std::string_view hub, std::string_view user_id) const;
  std::string Mac(std::string_view signed_part) const;

  std::string secret_;
};

}  // namespace hubgate::gateway
