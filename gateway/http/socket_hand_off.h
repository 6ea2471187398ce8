#pragma once

#include "absl/functional/any_invocable.h"
#include "gateway/ops/net.h"
#include "gateway/runtime/worker.h"

namespace hubgate::gateway {

// Moves `socket` to `owner`'s event loop (its descriptor is re-registered there) and runs
// `then` with it on the owner's thread; `on_failure` runs instead when it cannot be moved.
void MoveSocketTo(tcp::socket socket, Worker& owner,
                  absl::AnyInvocable<void(tcp::socket) &&> then,
                  absl::AnyInvocable<void() &&> on_failure);

}  // namespace hubgate::gateway
