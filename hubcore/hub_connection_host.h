#pragma once

#include "absl/functional/any_invocable.h"

#include <string_view>

#include "hubcore/connection_executor.h"
#include "hubcore/frame.h"

namespace hubgate::hubcore {

// What a transport (WebSockets, Server-Sent Events, Long Polling) provides to a hub connection.
class HubConnectionHost {
 public:
  virtual ~HubConnectionHost() = default;
  // Queues bytes for the peer. A bounded write (pushed messages, stream items) returns false and
  // queues nothing when the send queue is over its bound; control frames (handshake answers,
  // pings, completions, Close) are always queued so that a full queue can still carry its Close.
  virtual bool Write(FrameConstSharedPtr frame, bool bounded) = 0;
  // Sends what is queued, then ends the transport normally (for WebSockets, close 1000).
  virtual void CloseTransport() = 0;
  // The handshake was read: from now on the connection may be routed to (group changes,
  // pushes), so that the backend's OnConnected can already address it; the hub holds what is
  // pushed until the handshake is answered. Call `routable` (on the connection's thread, or
  // not at all if the connection is gone) once pushes from anywhere can reach the connection:
  // at once on a single node, after the backplane confirmed the connection's channels in a
  // cluster. Only then is the backend asked, or the handshake answered.
  virtual void OnConnecting(absl::AnyInvocable<void()> routable) { routable(); }
  // The handshake succeeded (and the backend accepted the connection): it is open; routable if
  // OnConnecting did not already make it so.
  virtual void OnHandshakeCompleted() = 0;
  // Runs work on the connection's thread while the connection exists; callable from any thread.
  virtual ConnectionExecutorSharedPtr Executor() = 0;
  // Stop / resume reading from the peer (upload back-pressure).
  virtual void PauseReading() = 0;
  virtual void ResumeReading() = 0;
  // Whether the transport carries binary data (WebSockets, Long Polling; not Server-Sent
  // Events). The MessagePack protocol needs it.
  virtual bool SupportsBinary() const { return true; }
  // A limit refused something of this connection's (the limit's configuration key, e.g.
  // "max_invocations_per_second"), for the metrics.
  virtual void OnLimitHit(std::string_view /*limit*/) {}
};

}  // namespace hubgate::hubcore
