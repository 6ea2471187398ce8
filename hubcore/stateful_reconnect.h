#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "hubcore/frame.h"
#include "hubcore/hub_message.h"
#include "hubcore/hub_protocol.h"
#include "hubcore/received_message_sequence.h"
#include "hubcore/sent_message_log.h"

namespace hubgate::hubcore {

// Stateful reconnect for one connection (HubProtocol.md; signalr-protocol notes 1.10): decides,
// for every frame the server writes, whether it goes out now, is only logged (the transport is
// gone), or is held back (the log is full: back-pressure, not loss); filters what the client
// sends; produces the Sequence + replay after a reconnect and the periodic Ack.
class StatefulReconnect {
 public:
  using WriteFn = absl::FunctionRef<void(FrameConstSharedPtr frame)>;

  // `log_limit`: bytes of unacknowledged frames kept (StatefulReconnectBufferSize); `hold_limit`:
  // bytes of bounded frames held back beyond that before a bounded write fails (the hub's send
  // queue bound).
  StatefulReconnect(HubProtocol protocol, size_t log_limit, size_t hold_limit);

  // A frame of message `type` on its way out. Returns false for a frame that does not fit: a
  // bounded one beyond `hold_limit` held bytes (the caller applies its slow-consumer policy), an
  // unbounded one beyond twice that (the caller closes the connection: it cannot be dropped). Non-trackable frames (pings, acks, Close)
  // are written while attached and dropped while detached: a reconnect replays state, not pings.
  // A Close first releases everything held back (no reconnect follows it).
  bool Send(FrameConstSharedPtr frame, MessageType type, bool bounded, WriteFn write);

  enum class Verdict { kProcess, kSkip };
  // A message from the client: Ack and Sequence are handled here (kSkip); trackable duplicates
  // and everything before the client's Sequence after a reconnect are skipped. An error is a
  // protocol violation (a Sequence beyond what was received).
  absl::StatusOr<Verdict> OnReceived(const HubMessage& message, WriteFn write);

  // Once a second: writes Ack(latest) when something new was processed since the last Ack.
  void OnTick(WriteFn write);

  // The transport is gone: frames are logged (or held back) but not written until Reattach.
  void Detach() { attached_ = false; }
  // A new transport carries the connection: writes Sequence(first unacked id), replays the
  // unacknowledged frames in order, then what was held back (as far as the log allows), and
  // ignores the client's messages until its own Sequence.
  void Reattach(WriteFn write);
  bool attached() const { return attached_; }

  const SentMessageLog& sent() const { return sent_; }
  size_t held_bytes() const { return held_bytes_; }

 private:
  struct Held {
    FrameConstSharedPtr frame;
    bool bounded;
  };
  void Log(FrameConstSharedPtr frame, WriteFn write);
  void ReleaseHeld(WriteFn write);

  HubProtocol protocol_;
  size_t hold_limit_;
  SentMessageLog sent_;
  ReceivedMessageSequence received_;
  std::deque<Held> held_;
  size_t held_bytes_ = 0;
  bool attached_ = true;
};

}  // namespace hubgate::hubcore
