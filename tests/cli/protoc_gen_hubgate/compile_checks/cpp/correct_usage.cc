// The generated C++ used as intended: must compile.
#include "everything_hub.h"

namespace compile_checks {

void Push(contract::EverythingClientClients& clients, const HubCall& call) {
  clients.Group("ward:4B").EverythingChanged(contract::Everything(), {});
  clients.All().CommentAdded(42, "hello", [](absl::StatusOr<std::uint64_t> queued) {});
  clients.User("alice").CommentAdded(1, "hi", {});
  clients.Others(call).CommentAdded(1, "hi", {});
  clients.OthersInGroup(call, "ward:4B").CommentAdded(1, "hi", {});
  clients.Caller(call).AskConsent(contract::ConsentQuestion(),
                                  [](absl::StatusOr<contract::Consent> consent) {});
  clients.Client("connection-1").CountTabs([](absl::StatusOr<contract::CommentCount> count) {});
  clients.Client("connection-1").CommentAdded(1, "a single connection can be pushed to", {});
}

EverythingHub hub;  // every hub method is implemented

}  // namespace compile_checks
