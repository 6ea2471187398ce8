#pragma once

#include "absl/functional/any_invocable.h"
#include "gateway/ops/client_stream.h"
#include "gateway/runtime/worker.h"

namespace hubgate::gateway {

// Moves `stream` to `owner`'s event loop (its descriptor is re-registered there; a TLS stream
// takes its OpenSSL connection along) and runs `then` with it on the owner's thread;
// `on_failure` runs instead when it cannot be moved (the connection is then closed).
void MoveStreamTo(ClientStream stream, Worker& owner,
                  absl::AnyInvocable<void(ClientStream) &&> then,
                  absl::AnyInvocable<void() &&> on_failure);

}  // namespace hubgate::gateway
