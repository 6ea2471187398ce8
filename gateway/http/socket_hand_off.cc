#include "gateway/http/socket_hand_off.h"

#include <unistd.h>

#include "spdlog/spdlog.h"

namespace hubgate::gateway {

void MoveSocketTo(tcp::socket socket, Worker& owner,
                  absl::AnyInvocable<void(tcp::socket) &&> then,
                  absl::AnyInvocable<void() &&> on_failure) {
  error_code ec;
  const auto protocol = socket.local_endpoint(ec).protocol();
  const auto fd = socket.release(ec);
  if (ec) {
    spdlog::warn("could not hand a connection to worker {}: {}", owner.index(), ec.message());
    std::move(on_failure)();
    return;
  }
  owner.Post([&owner, protocol, fd, then = std::move(then),
              on_failure = std::move(on_failure)]() mutable {
    tcp::socket moved(owner.io_context());
    error_code assign_error;
    moved.assign(protocol, fd, assign_error);
    if (assign_error) {
      ::close(fd);
      std::move(on_failure)();
      return;
    }
    std::move(then)(std::move(moved));
  });
}

}  // namespace hubgate::gateway
