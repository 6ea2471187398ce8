#pragma once

#include <string>

#include "absl/status/status.h"
#include "gateway/ops/net.h"

namespace hubgate::gateway {

// The HTTP answer to a transport refused its connection, as .NET answers: a refused
// ConnectionRegistry::Claim or WebSocketSession::PrepareResume.
struct Refusal {
  http::status status;
  std::string body;

  // NotFound (unknown or ending connection, "No Connection with that ID") 404, AlreadyExists
  // (the transport is already connected) 409, FailedPrecondition (another transport is) 400,
  // PermissionDenied (another user's connection) 401 with no body; and a limit's refusal
  // (ConnectionRegistry::Admit, ClientRateLimiter): ResourceExhausted 429, Unavailable 503, with
  // the limit's text. Any other code is a bug.
  static Refusal Of(const absl::Status& status);
};

}  // namespace hubgate::gateway
