#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hubcore/connection_executor.h"
#include "hubcore/held_pushes.h"
#include "hubcore/hub_backend.h"
#include "hubcore/hub_options.h"

namespace hubgate::hubcore {

// What the backend's OnConnected answer means for the connection.
struct OpeningVerdict {
  enum class Kind {
    kAccepted,                // the backend accepted: it expects OnDisconnected later
    kAcceptedWithoutBackend,  // unavailable, and the hub accepts anyway: the backend never knows
    kRejected,
  };
  Kind kind = Kind::kAccepted;
  std::string handshake_error;  // kRejected: the handshake error the client's start() reports
  std::string close_reason;     // kRejected: for logs and the on-disconnected event
};

// The connecting phase of a HubConnection: from a valid handshake request until the backend's
// OnConnected has answered. The connection is routable meanwhile (ASP.NET code adds the caller
// to groups and sends to it in OnConnectedAsync, and backends port that code as it is), so the
// pushes are held for after the handshake answer and the client's records for after the
// acceptance, both bounded. The answer comes on a backend thread and may cross the connection's
// close: whichever of the two comes second tells the backend of the disconnect.
// Used on the connection's thread, except for the answer's own bookkeeping.
class ConnectionOpening {
 public:
  using AnswerCallback = absl::AnyInvocable<void(absl::StatusOr<std::string>) &&>;

  // Asks `backend` whether `context` may connect. Unless the connection was closed after the
  // backend accepted it, `on_answer` runs on `executor` with the answer: "" accepted, a text
  // rejected, an error failed.
  void AskBackend(HubBackend& backend, const CallContext& context,
                  ConnectionExecutorSharedPtr executor, AnswerCallback on_answer);
  static OpeningVerdict Judge(const absl::StatusOr<std::string>& answer,
                              const HubOptions& options);

  // A client record that arrived before the acceptance; a protocol error beyond the bound.
  absl::Status HoldRecord(std::string_view record);
  // The held records, in order; none are held afterwards.
  std::vector<std::string> TakeHeldRecords();
  HeldPushes& held_pushes() { return held_pushes_; }

  // The accepted answer reached the connection: the backend now expects OnDisconnected.
  void NoteAccepted() { backend_accepted_ = true; }
  // The connection closed with `close_reason`. True when the backend accepted it and the caller
  // must tell it of the disconnect; false when it never accepted, or when its acceptance is
  // still on its way (then the answer's side tells it).
  bool BackendMustHearOfClose(const std::string& close_reason);

 private:
  // Shared with the pending answer (a backend thread).
  struct Decision;

  std::shared_ptr<Decision> decision_;  // null until the backend is asked
  std::vector<std::string> held_records_;
  HeldPushes held_pushes_;
  bool backend_accepted_ = false;
};

}  // namespace hubgate::hubcore
