#pragma once

#include <cstddef>
#include <memory>

#include "absl/status/statusor.h"
#include "hubcore/frame.h"
#include "hubcore/hub_connection_host.h"
#include "hubcore/hub_message.h"
#include "hubcore/hub_protocol.h"
#include "hubcore/stateful_reconnect.h"

namespace hubgate::hubcore {

// A connection's way out to its transport. With stateful reconnect in effect every message
// passes through its log, which bounds what is in flight, acknowledges what the client sent and
// replays after a reconnect; without it the transport's send queue bounds pushed messages.
// Control frames (handshake answers, Acks, Sequence) are always queued.
class ConnectionOutput {
 public:
  explicit ConnectionOutput(HubConnectionHost& host) : host_(host) {}

  // The handshake asked for stateful reconnect: `log_limit` bytes of unacknowledged messages are
  // kept, `hold_limit` bytes held back beyond that (see StatefulReconnect).
  void StartStatefulReconnect(HubProtocol protocol, size_t log_limit, size_t hold_limit);
  bool stateful() const { return stateful_ != nullptr; }

  // Always queued, never logged.
  void WriteControlFrame(FrameConstSharedPtr frame);
  // A message that cannot be dropped (completions, client calls, pings, Close). False when the
  // stateful log holds too much already: the connection must close.
  bool WriteMessage(FrameConstSharedPtr frame, MessageType type);
  // A pushed message or stream item. False when it did not fit (the slow-consumer policy
  // applies).
  bool WriteBounded(FrameConstSharedPtr frame, MessageType type);
  // Whether anything was written since the last call (pings are due only after silence).
  bool TakeWroteSinceTick();

  // Stateful reconnect; without it a message is always kProcess and the rest does nothing.
  absl::StatusOr<StatefulReconnect::Verdict> OnReceived(const HubMessage& message);
  void OnTick();
  void Detach();
  void Reattach();

 private:
  HubConnectionHost& host_;
  std::unique_ptr<StatefulReconnect> stateful_;  // null unless in effect (keeps idle state small)
  bool wrote_since_tick_ = false;
};

}  // namespace hubgate::hubcore
