#pragma once

#include <memory>

#include "absl/functional/any_invocable.h"

namespace hubgate::hubcore {

// Runs work on a connection's thread, from any thread, for as long as anyone holds it. Backend
// callbacks hold one instead of the connection itself: the work runs only if the connection still
// exists when its turn comes, so a call that outlives its connection is harmless.
class ConnectionExecutor {
 public:
  virtual ~ConnectionExecutor() = default;
  virtual void Run(absl::AnyInvocable<void() &&> fn) = 0;
};

using ConnectionExecutorSharedPtr = std::shared_ptr<ConnectionExecutor>;

}  // namespace hubgate::hubcore
