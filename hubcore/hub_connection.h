#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "hubcore/connection_sink.h"
#include "hubcore/hub_options.h"
#include "hubcore/hub_protocol.h"
#include "hubcore/text_record_reader.h"

namespace hubgate::hubcore {

using TimePoint = std::chrono::steady_clock::time_point;

// What a transport (WebSocket today; SSE and Long Polling later) provides to a hub connection.
class HubConnectionHost {
 public:
  virtual ~HubConnectionHost() = default;
  // Queues bytes for the peer. A bounded write (pushed messages) returns false and queues
  // nothing when the send queue is over its bound; control frames (handshake answers, pings,
  // completions, Close) are always queued so that a full queue can still carry its Close.
  virtual bool Write(FrameConstSharedPtr frame, bool bounded) = 0;
  // Sends what is queued, then closes the transport normally (WebSocket close 1000).
  virtual void CloseTransport() = 0;
  // The handshake succeeded: the connection may now be routed to.
  virtual void OnHandshakeCompleted() = 0;
};

// Who the connection is.
struct ConnectionIdentity {
  std::string connection_id;
  std::string user_id;  // empty: anonymous
};

// One logical SignalR connection: handshake, message parsing, keep-alive, client timeout and
// closing rules, independent of transport, sockets and clocks (time is passed in).
class HubConnection : public ConnectionSink {
 public:
  enum class State { kHandshaking, kConnected, kClosing, kClosed };

  HubConnection(ConnectionIdentity identity, const HubOptions& options, HubConnectionHost& host,
                TimePoint now);

  // Bytes received from the peer, in any chunking.
  void OnData(std::string_view bytes, TimePoint now);
  // Called about once a second: handshake timeout, keep-alive pings, client timeout.
  void OnTick(TimePoint now);
  // Server-initiated close: a Close message (if the handshake is done), then the transport closes.
  void Close(std::optional<std::string> error, bool allow_reconnect);
  // The transport is gone (peer closed, network error); nothing more can be sent.
  void OnTransportClosed();

  // ConnectionSink
  void Deliver(const SerializedMessage& message) override;

  State state() const { return state_; }
  HubProtocol protocol() const { return protocol_; }
  const ConnectionIdentity& identity() const { return identity_; }
  const HubOptions& options() const { return options_; }
  // Why the connection ended, for logs and the on-disconnected event ("" for a clean close).
  const std::string& close_reason() const { return close_reason_; }

 private:
  absl::Status OnRecord(std::string_view record, TimePoint now);
  absl::Status OnHandshakeRecord(std::string_view record);
  absl::Status OnMessageRecord(std::string_view record);
  void FailHandshake(std::string_view error);
  void FailProtocol(std::string_view detail);
  void WriteControlFrame(FrameConstSharedPtr frame);
  void WriteMessage(const HubMessage& message);
  void ReplyUnknownMethod(const std::optional<std::string>& invocation_id,
                          std::string_view method);

  ConnectionIdentity identity_;
  const HubOptions& options_;
  HubConnectionHost& host_;
  TextRecordReader reader_;
  State state_ = State::kHandshaking;
  HubProtocol protocol_ = HubProtocol::kJson;
  TimePoint created_;
  TimePoint last_write_;
  TimePoint last_receive_;
  bool client_timeout_armed_ = false;
  bool wrote_since_tick_ = false;
  std::string close_reason_;
};

}  // namespace hubgate::hubcore
