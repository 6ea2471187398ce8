#include "gateway/http/stream_hand_off.h"

#include "spdlog/spdlog.h"

namespace hubgate::gateway {

void MoveStreamTo(ClientStream stream, Worker& owner,
                  absl::AnyInvocable<void(ClientStream) &&> then,
                  absl::AnyInvocable<void() &&> on_failure) {
  absl::StatusOr<ClientStream::Detached> detached = stream.Detach();
  if (!detached.ok()) {
    spdlog::warn("could not hand a connection to worker {}: {}", owner.index(),
                 std::string(detached.status().message()));
    error_code ignored;
    stream.socket().close(ignored);
    std::move(on_failure)();
    return;
  }
  owner.Post([&owner, detached = *detached, then = std::move(then)]() mutable {
    std::move(then)(ClientStream::Attach(owner.io_context(), detached));
  });
}

}  // namespace hubgate::gateway
