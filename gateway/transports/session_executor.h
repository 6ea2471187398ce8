#pragma once

#include <memory>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "gateway/runtime/worker.h"
#include "hubcore/connection_executor.h"

namespace hubgate::gateway {

class ConnectionSession;

// A transport session's ConnectionExecutor: posts work to the owning worker, where it runs only
// if the session still exists by then. Run may be called from any thread (backend callbacks
// arrive on gRPC threads).
class SessionExecutor final : public hubcore::ConnectionExecutor {
 public:
  SessionExecutor(Worker& worker, std::weak_ptr<ConnectionSession> session)
      : worker_(worker), session_(std::move(session)) {}
  void Run(absl::AnyInvocable<void() &&> fn) override {
    worker_.Post([session = session_, fn = std::move(fn)]() mutable {
      if (auto alive = session.lock()) {
        std::move(fn)();
      }
    });
  }

 private:
  Worker& worker_;
  std::weak_ptr<ConnectionSession> session_;
};

}  // namespace hubgate::gateway
