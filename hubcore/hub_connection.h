#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "hubcore/close_cause.h"
#include "hubcore/connection_executor.h"
#include "hubcore/connection_liveness.h"
#include "hubcore/connection_opening.h"
#include "hubcore/connection_output.h"
#include "hubcore/connection_sink.h"
#include "hubcore/hub_backend.h"
#include "hubcore/hub_connection_host.h"
#include "hubcore/hub_method_calls.h"
#include "hubcore/hub_options.h"
#include "hubcore/hub_protocol.h"
#include "hubcore/incoming_records.h"
#include "hubcore/invocation_dispatcher.h"
#include "hubcore/server_close.h"

namespace hubgate::hubcore {

// One logical SignalR connection: handshake, message parsing, keep-alive, client timeout and
// closing rules, independent of transport, sockets and clocks (time is passed in). This class is
// the state machine; its parts: IncomingRecords (bytes to records), ConnectionOpening (the
// backend's OnConnected and what arrives meanwhile), ConnectionOutput (writes, through the
// stateful-reconnect log when in effect), ConnectionLiveness (timers) and HubMethodCalls (hub
// method calls to the backend through the InvocationDispatcher).
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
  // What the peer sent last ended inside a record (see IncomingRecords::HoldsPartialRecord).
  bool HoldsPartialRecord() const { return incoming_.HoldsPartialRecord(); }
  // For causes only the transport sees (a stuck write, the shutdown deadline); the first cause
  // recorded wins.
  void NoteCloseCause(CloseCause cause) {
    if (close_cause_ == CloseCause::kNone) close_cause_ = cause;
  }
  // Stateful reconnect. The connection's negotiate agreed on it; it takes effect when the
  // handshake asks for protocol version 2 (what the clients send when they negotiated it).
  void AllowStatefulReconnect() { stateful_reconnect_allowed_ = true; }
  bool stateful() const { return output_.stateful(); }
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
  // The host confirmed that the connection can be reached; the backend is asked next.
  void OnRoutable();
  void OnBackendAnswered(absl::StatusOr<std::string> answer);
  void AcceptConnection();
  // Once accepted: the messages that arrived while the backend decided, in order.
  void ProcessHeldRecords();
  // While connecting: keeps a push for after the handshake answer, within max_queued_bytes.
  // Once accepted: writes the held pushes in order, then applies the slow-consumer policy if
  // some did not fit. False when that closed the connection.
  bool WriteHeldDeliveries();
  void FailHandshake(std::string_view error);
  void FailProtocol(std::string_view detail);
  // False when the connection had to close instead (see StatefulReconnect::Send).
  bool WriteMessage(const HubMessage& message);
  // Queues a pushed message or stream item within the send-queue bound; on overflow applies
  // the slow-consumer policy and returns false.
  bool WriteBounded(FrameConstSharedPtr frame, MessageType type);
  bool ApplySlowConsumerPolicy();
  // Close with the reason and cause recorded (they win over what Close would record).
  void CloseFor(ServerClose close);
  HubMethodCalls& calls();  // created on first use

  CallContext context_;
  const HubOptions& options_;
  HubConnectionHost& host_;
  HubBackend* backend_;
  ConnectionOutput output_;
  IncomingRecords incoming_;
  State state_ = State::kHandshaking;
  HubProtocol protocol_ = HubProtocol::kJson;
  bool close_when_idle_ = false;
  CloseCause close_cause_ = CloseCause::kNone;
  ConnectionLiveness liveness_;
  std::unique_ptr<HubMethodCalls> calls_;  // null until the first hub method call (see there)
  // The OnConnected call, and what arrives while the backend decides.
  ConnectionOpening opening_;
  std::string close_reason_;
  bool stateful_reconnect_allowed_ = false;
  std::optional<TimePoint> detached_since_;
};

}  // namespace hubgate::hubcore
