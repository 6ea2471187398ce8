#include "hubcore/hub_connection.h"

#include <utility>

#include "hubcore/handshake.h"
#include "hubcore/hub_errors.h"
#include "hubcore/json_hub_protocol.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::hubcore {

HubConnection::HubConnection(ConnectionIdentity identity, const HubOptions& options,
                             HubConnectionHost& host, TimePoint now)
    : identity_(std::move(identity)),
      options_(options),
      host_(host),
      reader_(options.max_message_size),
      created_(now),
      last_write_(now),
      last_receive_(now) {}

void HubConnection::OnData(std::string_view bytes, TimePoint now) {
  if (state_ == State::kClosing || state_ == State::kClosed) {
    return;  // the peer's late messages are not processed once we decided to close
  }
  last_receive_ = now;
  absl::Status status = reader_.Feed(
      bytes, [&](std::string_view record) { return OnRecord(record, now); });
  if (status.ok()) {
    if (reader_.buffered_bytes() == 0) {
      reader_.ShrinkToFit();
    }
    return;
  }
  if (state_ == State::kHandshaking) {
    // An oversized or unreadable handshake: .NET cancels the handshake.
    FailHandshake(IsHubProtocolError(status) ? kHandshakeCanceled : AsStd(status.message()));
  } else if (IsHubProtocolError(status)) {
    FailProtocol(AsStd(status.message()));
  }
}

absl::Status HubConnection::OnRecord(std::string_view record, TimePoint now) {
  if (state_ == State::kHandshaking) {
    return OnHandshakeRecord(record);
  }
  if (state_ != State::kConnected) {
    return absl::OkStatus();
  }
  (void)now;
  return OnMessageRecord(record);
}

absl::Status HubConnection::OnHandshakeRecord(std::string_view record) {
  absl::StatusOr<HandshakeRequest> request =
      Handshake::ParseRequest(record, Handshake::SupportedProtocols{});
  if (!request.ok()) {
    FailHandshake(AsStd(request.status().message()));
    return absl::CancelledError("handshake failed");  // stop reading
  }
  protocol_ = request->protocol;
  state_ = State::kConnected;
  WriteControlFrame(MakeFrame(Handshake::SuccessResponse()));
  host_.OnHandshakeCompleted();
  return absl::OkStatus();
}

absl::Status HubConnection::OnMessageRecord(std::string_view record) {
  absl::StatusOr<HubMessage> parsed = JsonHubProtocol::Parse(record);
  if (!parsed.ok()) {
    if (absl::IsNotFound(parsed.status())) {
      return absl::OkStatus();  // unknown message type: ignored for forward compatibility
    }
    return parsed.status();
  }
  HubMessage& message = *parsed;
  switch (TypeOf(message)) {
    case MessageType::kPing:
      client_timeout_armed_ = true;  // .NET starts the client timeout with the first Ping
      break;
    case MessageType::kClose:
      // The client is leaving; nothing is sent back.
      state_ = State::kClosing;
      host_.CloseTransport();
      return absl::CancelledError("client closed");
    case MessageType::kInvocation: {
      auto& invocation = std::get<InvocationMessage>(message);
      ReplyUnknownMethod(invocation.invocation_id, invocation.target);
      break;
    }
    case MessageType::kStreamInvocation: {
      auto& invocation = std::get<StreamInvocationMessage>(message);
      ReplyUnknownMethod(invocation.invocation_id, invocation.target);
      break;
    }
    default:
      // StreamItem, Completion and CancelInvocation only refer to calls this hub never
      // started; Ack and Sequence only matter with stateful reconnect. .NET ignores them too.
      break;
  }
  return absl::OkStatus();
}

void HubConnection::ReplyUnknownMethod(const std::optional<std::string>& invocation_id,
                                       std::string_view method) {
  if (!invocation_id.has_value()) {
    return;  // a send() is never answered, not even with an error
  }
  CompletionMessage completion;
  completion.invocation_id = *invocation_id;
  completion.error = UnknownHubMethodText(method);
  WriteMessage(completion);
}

void HubConnection::OnTick(TimePoint now) {
  switch (state_) {
    case State::kHandshaking:
      if (now - created_ >= options_.handshake_timeout) {
        FailHandshake(kHandshakeCanceled);
      }
      return;
    case State::kConnected:
      if (wrote_since_tick_) {
        wrote_since_tick_ = false;
        last_write_ = now;
      }
      if (client_timeout_armed_ && now - last_receive_ >= options_.client_timeout) {
        close_reason_ = "client timeout";
        Close(std::string(kConnectionClosedWithError), /*allow_reconnect=*/true);
        return;
      }
      if (now - last_write_ >= options_.keep_alive_interval) {
        WriteMessage(PingMessage{});
      }
      return;
    case State::kClosing:
    case State::kClosed:
      return;
  }
}

void HubConnection::Close(std::optional<std::string> error, bool allow_reconnect) {
  if (state_ == State::kClosing || state_ == State::kClosed) {
    return;
  }
  if (state_ == State::kConnected) {
    CloseMessage close;
    close.error = std::move(error);
    close.allow_reconnect = allow_reconnect;
    if (close_reason_.empty() && close.error.has_value()) {
      close_reason_ = *close.error;
    }
    WriteMessage(close);
  }
  state_ = State::kClosing;
  host_.CloseTransport();
}

void HubConnection::OnTransportClosed() { state_ = State::kClosed; }

void HubConnection::Deliver(const SerializedMessage& message) {
  if (state_ != State::kConnected) {
    return;
  }
  if (host_.Write(message.FrameFor(protocol_), /*bounded=*/true)) {
    wrote_since_tick_ = true;
    return;
  }
  if (options_.slow_consumer_policy == SlowConsumerPolicy::kDrop) {
    return;  // best-effort hub: the message is dropped, the connection stays
  }
  close_reason_ = "send queue overflow";
  Close(BuildErrorText(kConnectionClosedWithError, "SlowConsumerException",
                       "The send queue of the connection is full.", options_.detailed_errors),
        /*allow_reconnect=*/true);
}

void HubConnection::FailHandshake(std::string_view error) {
  close_reason_ = std::string(error);
  WriteControlFrame(MakeFrame(Handshake::ErrorResponse(error)));
  state_ = State::kClosing;
  host_.CloseTransport();
}

void HubConnection::FailProtocol(std::string_view detail) {
  close_reason_ = std::string(detail);
  Close(BuildErrorText(kConnectionClosedWithError, "InvalidDataException", detail,
                       options_.detailed_errors),
        /*allow_reconnect=*/false);
}

void HubConnection::WriteControlFrame(FrameConstSharedPtr frame) {
  wrote_since_tick_ = true;
  host_.Write(std::move(frame), /*bounded=*/false);
}

void HubConnection::WriteMessage(const HubMessage& message) {
  WriteControlFrame(EncodeFrame(message, protocol_));
}

}  // namespace hubgate::hubcore
