#pragma once

#include <cstddef>
#include <cstdint>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/ops/metrics.h"
#include "gateway/runtime/connection_registry.h"
#include "gateway/runtime/gateway_context.h"
#include "gateway/runtime/worker.h"
#include "hubcore/check.h"
#include "hubcore/hub_connection.h"
#include "hubcore/queue_bound.h"
#include "prometheus/counter.h"

namespace hubgate::gateway {

// The message of the check at each session entry point: its state belongs to one worker thread.
inline constexpr char kOffOwningWorker[] = "session state used off its owning worker's thread";

// What every transport session of a hub connection does the same way, whatever carries its
// bytes (WebSocketSession; SseSession and LongPollingSession through HttpTransportSession): it
// owns the HubConnection, registers with its worker (ticks, shutdown drain), is a member of the
// worker's routing index from the handshake (while the backend's OnConnected runs, too) until
// the connection closes (this class alone adds and removes it), bounds the send queue, counts
// traffic, runs the hub's deferred work through a SessionExecutor, and ends the connection
// exactly once (Teardown).
//
// A session lives on one worker for life and its state has no lock: every entry point checks
// that it runs on that worker's thread. The transports keep what is theirs: the stream, the
// queue itself and its writes, polls, framing.
class ConnectionSession : public std::enable_shared_from_this<ConnectionSession>,
                          public hubcore::HubConnectionHost,
                          public TickedSession {
 public:
  ~ConnectionSession() override;
  ConnectionSession(const ConnectionSession&) = delete;
  ConnectionSession& operator=(const ConnectionSession&) = delete;

  // hubcore::HubConnectionHost (Write, PauseReading and ResumeReading are the transport's)
  void CloseTransport() final;
  void OnConnecting(absl::AnyInvocable<void()> routable) final;
  void OnHandshakeCompleted() final;
  void OnLimitHit(std::string_view limit) final;
  hubcore::ConnectionExecutorSharedPtr Executor() final;

  // TickedSession (OnTick is the transport's)
  void CloseForShutdown() final;
  void AbortForShutdown() final;

 protected:
  // Why a session holds a reference to itself while none of its own operations is pending
  // (nothing else owns it then: the registry and the worker keep only weak or raw pointers).
  enum class SelfHold : uint8_t {
    kUntilTeardown = 1,       // Long Polling: between requests
    kWhileReadingPaused = 2,  // no read pending under upload back-pressure
    kWhileDetached = 4,       // stateful reconnect: no transport, waiting for the client
  };

  // `call_context` describes the caller; `token` is the registry key, removed when the
  // connection ends.
  ConnectionSession(Worker& worker, GatewayContext& context, const hubcore::HubOptions& hub,
                    hubcore::HubBackend* backend, hubcore::CallContext call_context,
                    std::string token, TransportKind transport);

  // The hub asked to close (once, never after Teardown): send what is queued, then end the
  // transport. The connection leaves the routing index on the next turn of the loop.
  virtual void OnCloseRequested() = 0;
  // Drops the transport now (a failed write, the shutdown deadline); must end in Teardown.
  virtual void Abort(std::string_view why) = 0;
  // Teardown has begun: release the transport (socket or pending requests, queued frames).
  virtual void OnTeardown() = 0;

  // The session is set up: the worker ticks it and may drain it from now on.
  void Register();
  // Ends the connection, once: releases the transport, tells the hub, counts it, leaves the
  // routing index and the registry, lets go of the self-references (on a later turn: the caller
  // may still be inside this object) and, last, leaves the worker (may finish a shutdown drain).
  void Teardown(std::string_view reason);

  // The send queue's bound (the hub's max_queued_bytes), checked by Write for each frame: a
  // bounded frame that does not fit is refused and counted as an overflow; control frames
  // always fit, so that a full queue can still carry its Close; a bounded one follows
  // hubcore::FitsQueueBound (an empty queue takes a frame of any size). Accepted bytes count as
  // queued until ReleaseQueued.
  bool ReserveQueued(size_t size, bool bounded) {
    if (bounded && !hubcore::FitsQueueBound(queued_bytes_, size, hub_.options().max_queued_bytes)) {
      traffic_->queue_overflows->Increment();
      return false;
    }
    queued_bytes_ += size;
    return true;
  }
  // Queued bytes that were written or dropped.
  void ReleaseQueued(size_t bytes) {
    HUBGATE_CHECK(bytes <= queued_bytes_, "released more bytes than were queued");
    queued_bytes_ -= bytes;
  }
  size_t queued_bytes() const { return queued_bytes_; }

  // Traffic counters of the hub and transport (hubgate_messages_*, hubgate_bytes_*).
  void CountReceived(size_t bytes, size_t messages) {
    traffic_->bytes_received->Increment(static_cast<double>(bytes));
    if (messages > 0) {
      traffic_->messages_received->Increment(static_cast<double>(messages));
    }
  }
  void CountSent(size_t frames, size_t bytes) {
    traffic_->messages_sent->Increment(static_cast<double>(frames));
    traffic_->bytes_sent->Increment(static_cast<double>(bytes));
  }

  // limits.partial_message_timeout. After received bytes went to the hub connection: whether
  // a message is unfinished now (a WebSocket message without its final frame, or a hub record
  // begun and not ended, which may span WebSocket messages or HTTP sends).
  void NoteReceived(bool transport_message_unfinished, std::chrono::steady_clock::time_point now) {
    if (!transport_message_unfinished && !hub_.HoldsPartialRecord()) {
      partial_since_.reset();
    } else if (!partial_since_) {
      partial_since_ = now;
    }
  }
  // A message stayed unfinished past the limit: counts it and notes the close cause (the
  // transport then ends the connection). Trickled bytes would otherwise hold it forever.
  bool PartialMessageTimedOut(std::chrono::steady_clock::time_point now);
  // The transport is gone (stateful reconnect): its unfinished message is not continued.
  void ForgetPartialMessage() { partial_since_.reset(); }

  // Keeps the session alive for `why` until ReleaseSelf(why) or Teardown. Ignored once torn
  // down: nothing would release it.
  void HoldSelf(SelfHold why);
  // Drops the hold for `why`; the last one goes on a later turn of the loop (the caller may
  // still be inside this object).
  void ReleaseSelf(SelfHold why);

  const std::string& connection_id() const { return hub_.context().connection_id; }
  const std::string& user_id() const { return hub_.context().user_id; }
  const std::string& token() const { return token_; }
  bool close_requested() const { return close_requested_; }
  bool torn_down() const { return torn_down_; }

  Worker& worker_;
  GatewayContext& context_;
  hubcore::HubConnection hub_;  // owns the call context and points to the hub's options

 private:
  // Joins the routing index (once; not after a close request).
  void Route();
  // Leaves the routing index (pushes no longer reach the connection).
  void Unroute();
  std::string_view transport_label() const;

  std::string token_;  // registry key
  // Since when a message has been unfinished (partial_message_timeout); unset otherwise.
  std::optional<std::chrono::steady_clock::time_point> partial_since_;
  Metrics::Traffic* traffic_;
  size_t queued_bytes_ = 0;
  hubcore::ConnectionExecutorSharedPtr executor_;  // created on first use
  std::shared_ptr<ConnectionSession> self_;        // set while self_holds_ is not empty
  uint8_t self_holds_ = 0;                         // SelfHold bits
  TransportKind transport_;
  bool registered_ = false;    // in the worker's session set
  bool routed_ = false;        // in the routing index
  bool counted_open_ = false;  // counted in hubgate_connections
  bool close_requested_ = false;
  bool torn_down_ = false;
};

}  // namespace hubgate::gateway
