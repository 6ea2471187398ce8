#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "hubcore/close_cause.h"
#include "hubcore/connection_executor.h"
#include "hubcore/connection_sink.h"
#include "hubcore/hub_backend.h"
#include "hubcore/hub_options.h"
#include "hubcore/hub_protocol.h"
#include "hubcore/invocation_dispatcher.h"
#include "hubcore/binary_message_reader.h"
#include "hubcore/stateful_reconnect.h"
#include "hubcore/text_record_reader.h"
#include "hubcore/held_pushes.h"
#include "hubcore/invocation_rate_limit.h"

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
  // The handshake was read and the backend is asked to accept the connection: from now on the
  // connection may be routed to (group changes, pushes), so that the backend's OnConnected can
  // already address it; the hub holds what is pushed until the backend has answered.
  virtual void OnConnecting() {}
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

// One logical SignalR connection: handshake, message parsing, keep-alive, client timeout and
// closing rules, independent of transport, sockets and clocks (time is passed in). Hub method
// calls go to the hub's backend through the InvocationDispatcher.
class HubConnection : public ConnectionSink, private DispatcherHost {
 public:
  enum class State { kHandshaking, kConnecting, kConnected, kClosing, kClosed };

  // backend may be null (a hub without methods). `context` describes the caller.
  HubConnection(CallContext context, const HubOptions& options, HubConnectionHost& host,
                HubBackend* backend, TimePoint now);
  ~HubConnection() override;

  // Bytes received from the peer, in any chunking.
  void OnData(std::string_view bytes, TimePoint now);
  // Called about once a second: handshake timeout; once connected, the dispatcher's deadlines
  // (client results), stateful-reconnect acks, client timeout and keep-alive pings (the last two
  // paused while a stateful connection waits for its transport to come back).
  void OnTick(TimePoint now);
  // Server-initiated close: a Close message (once connected, i.e. the handshake done and the
  // backend accepted), then the transport closes. Does nothing once closing.
  void Close(std::optional<std::string> error, bool allow_reconnect);
  // The transport is gone; `transport_error` is empty for a clean close.
  void OnTransportClosed(std::string_view transport_error);
  // ConnectionSink
  void Deliver(const SerializedMessage& message) override;
  // Server-to-client invocation awaiting the client's answer (client results).
  void InvokeClient(std::string method, std::vector<Value> arguments, TimePoint deadline,
                    ClientResultCallback done) override;

  State state() const { return state_; }
  HubProtocol protocol() const { return protocol_; }
  const CallContext& context() const { return context_; }
  const HubOptions& options() const { return options_; }
  // Why the connection ended, for logs and the on-disconnected event ("" for a clean close).
  const std::string& close_reason() const { return close_reason_; }
  CloseCause close_cause() const { return close_cause_; }
  // For causes only the transport sees (a stuck write, the shutdown deadline); the first cause
  // recorded wins.
  void NoteCloseCause(CloseCause cause) {
    if (close_cause_ == CloseCause::kNone) close_cause_ = cause;
  }
  // Stateful reconnect. The connection's negotiate agreed on it; it takes effect when the
  // handshake asks for protocol version 2 (what the clients send when they negotiated it).
  void AllowStatefulReconnect() { stateful_reconnect_allowed_ = true; }
  bool stateful() const { return stateful_ != nullptr; }
  // The transport failed without a clean close. With stateful reconnect in effect the logical
  // connection (groups, user, calls in flight, unacknowledged messages) is kept and true is
  // returned; otherwise false (then call OnTransportClosed).
  bool OnTransportLost(TimePoint now);
  // A new transport carries the kept connection: Sequence, replay, then normal traffic.
  void OnTransportReattached(TimePoint now);
  bool detached() const { return detached_since_.has_value(); }
  // No transport came back within disconnect_timeout.
  bool ReconnectWindowExpired(TimePoint now) const {
    return detached_since_.has_value() && now - *detached_since_ >= options_.disconnect_timeout;
  }
  // Graceful shutdown: Close (allowReconnect) once no hub method call of this connection is
  // running or waiting, so that calls in flight can complete first. Streams do not delay it.
  void CloseWhenIdle();

 private:
  // DispatcherHost
  bool WriteToClient(const HubMessage& message, bool bounded) override;
  ConnectionExecutorSharedPtr Executor() override { return host_.Executor(); }
  void PauseReading() override { host_.PauseReading(); }
  void ResumeReading() override { host_.ResumeReading(); }
  void FailConnection(std::string detail) override { FailProtocol(detail); }
  void OnInvocationsIdle() override;

  absl::Status OnRecord(std::string_view record);
  absl::Status OnHandshakeRecord(std::string_view record);
  absl::Status OnMessageRecord(std::string_view record);
  void OnBackendConnected(absl::StatusOr<std::string> rejection);
  void AcceptConnection();
  // Once accepted: the messages that arrived while the backend decided, in order.
  void ProcessHeldRecords();
  // While connecting: keeps a push for after the handshake answer, within max_queued_bytes.
  // Once accepted: writes the held pushes in order, then applies the slow-consumer policy if
  // some did not fit. False when that closed the connection.
  bool WriteHeldDeliveries();
  void FailHandshake(std::string_view error);
  void FailProtocol(std::string_view detail);
  void WriteControlFrame(FrameConstSharedPtr frame);
  // False when the connection had to close instead (see StatefulReconnect::Send).
  bool WriteMessage(const HubMessage& message);
  // Queues a pushed message or stream item within the send-queue bound; on overflow applies
  // the slow-consumer policy and returns false.
  bool WriteBounded(FrameConstSharedPtr frame, MessageType type);
  // The hub's invocation rate limit: false (after answering the call, when it has an id) for a
  // call beyond it.
  bool AllowInvocation(const std::optional<std::string>& invocation_id);
  bool ApplySlowConsumerPolicy();
  void CloseAsSlowConsumer();
  // Created on first use: most connections (push-only clients) never call a hub method, and an
  // idle connection's memory is the gateway's per-connection cost (docs/performance.md).
  InvocationDispatcher& dispatcher();

  CallContext context_;
  const HubOptions& options_;
  HubConnectionHost& host_;
  HubBackend* backend_;
  std::unique_ptr<InvocationDispatcher> dispatcher_;  // null until the first hub method call
  TextRecordReader reader_;            // the handshake, then JSON messages
  BinaryMessageReader binary_reader_;  // MessagePack messages
  State state_ = State::kHandshaking;
  HubProtocol protocol_ = HubProtocol::kJson;
  bool client_timeout_armed_ = false;
  bool wrote_since_tick_ = false;
  bool backend_accepted_ = false;
  bool close_when_idle_ = false;
  CloseCause close_cause_ = CloseCause::kNone;
  TimePoint created_;
  TimePoint last_write_;
  TimePoint last_receive_;
  InvocationRateLimit invocation_rate_limit_;
  // Shared with the pending OnConnected callback (a gRPC thread): if the connection closes while
  // the backend decides, whichever side comes second tells the backend of the disconnect.
  struct ConnectDecision {
    absl::Mutex mutex;
    bool accepted ABSL_GUARDED_BY(mutex) = false;
    bool closed ABSL_GUARDED_BY(mutex) = false;
    std::string close_reason ABSL_GUARDED_BY(mutex);
  };
  std::shared_ptr<ConnectDecision> connect_decision_;
  // Records that arrived while the backend decided on the connection.
  std::vector<std::string> held_records_;
  // Pushes that arrived while the backend decided (its OnConnected may send to the
  // connection), written after the handshake answer; bounded by max_queued_bytes.
  HeldPushes held_pushes_;
  std::string close_reason_;
  bool stateful_reconnect_allowed_ = false;
  std::unique_ptr<StatefulReconnect> stateful_;  // null unless in effect (keeps idle state small)
  std::optional<TimePoint> detached_since_;
};

}  // namespace hubgate::hubcore
