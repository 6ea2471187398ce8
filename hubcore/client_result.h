#pragma once

#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "hubcore/value.h"

namespace hubgate::hubcore {

// What a client answered to a server-to-client invocation ("client results").
struct ClientResult {
  bool is_error = false;
  Value result;       // when !is_error
  std::string error;  // when is_error, e.g. "Client didn't provide a result."
};

// Receives the answer, or NotFound / Unavailable / DeadlineExceeded (see Publisher::InvokeClient).
using ClientResultCallback = absl::AnyInvocable<void(absl::StatusOr<ClientResult>) &&>;

}  // namespace hubgate::hubcore
