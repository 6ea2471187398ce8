#include "hubcore/hub_connection.h"

#include <utility>

#include "hubcore/handshake.h"
#include "hubcore/hub_errors.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::hubcore {

HubConnection::HubConnection(CallContext context, const HubOptions& options,
                             HubConnectionHost& host, HubBackend* backend, TimePoint now)
    : context_(std::move(context)),
      options_(options),
      host_(host),
      backend_(backend),
      output_(host),
      incoming_(options.max_message_size),
      liveness_(options, now) {}

HubConnection::~HubConnection() = default;

HubMethodCalls& HubConnection::calls() {
  if (calls_ == nullptr) {
    calls_ = std::make_unique<HubMethodCalls>(backend_, context_, options_,
                                              static_cast<DispatcherHost&>(*this), host_);
  }
  return *calls_;
}

void HubConnection::OnData(std::string_view bytes, TimePoint now) {
  if (state_ == State::kClosing || state_ == State::kClosed) {
    return;  // the peer's late messages are not processed once we decided to close
  }
  liveness_.OnReceived(now);
  auto on_record = [&](std::string_view record) { return OnRecord(record); };
  absl::Status status;
  if (state_ == State::kHandshaking) {
    status = incoming_.FeedHandshake(bytes, on_record);
  }
  if (status.ok() && !bytes.empty() && state_ != State::kHandshaking &&
      state_ != State::kClosing && state_ != State::kClosed) {
    status = incoming_.FeedMessages(bytes, protocol_, on_record);
  }
  if (status.ok()) {
    incoming_.ReleaseIdleBuffers();
    return;
  }
  if (state_ == State::kHandshaking) {
    // An oversized or unreadable handshake: .NET cancels the handshake.
    FailHandshake(IsHubProtocolError(status) ? kHandshakeCanceled : AsStd(status.message()));
  } else if (IsHubProtocolError(status)) {
    FailProtocol(AsStd(status.message()));
  }
}

absl::Status HubConnection::OnRecord(std::string_view record) {
  switch (state_) {
    case State::kHandshaking:
      return OnHandshakeRecord(record);
    case State::kConnecting:
      return opening_.HoldRecord(record);
    case State::kConnected:
      return OnMessageRecord(record);
    case State::kClosing:
    case State::kClosed:
      return absl::CancelledError("closing");
  }
  return absl::OkStatus();
}

absl::Status HubConnection::OnHandshakeRecord(std::string_view record) {
  absl::StatusOr<HandshakeRequest> request =
      Handshake::ParseRequest(record, Handshake::SupportedProtocols{
                                          .json = true, .messagepack = host_.SupportsBinary()});
  if (!request.ok()) {
    FailHandshake(AsStd(request.status().message()));
    return absl::CancelledError("handshake failed");  // stop reading
  }
  protocol_ = request->protocol;
  context_.protocol = std::string(ProtocolName(protocol_));
  if (stateful_reconnect_allowed_ && request->version >= 2) {
    output_.StartStatefulReconnect(protocol_, options_.stateful_reconnect_buffer_size,
                                   options_.max_queued_bytes);
  }
  state_ = State::kConnecting;
  host_.OnConnecting([this] { OnRoutable(); });
  return absl::OkStatus();
}

void HubConnection::OnRoutable() {
  if (state_ != State::kConnecting) {
    return;  // closed meanwhile
  }
  if (backend_ == nullptr) {
    AcceptConnection();
    if (WriteHeldDeliveries()) {
      ProcessHeldRecords();
    }
    return;
  }
  // The backend decides first, so that a rejection reaches the client's start() as a
  // handshake error; meanwhile the connection is routable (see ConnectionOpening).
  opening_.AskBackend(*backend_, context_, host_.Executor(),
                      [this](absl::StatusOr<std::string> answer) {
                        OnBackendAnswered(std::move(answer));
                      });
}

void HubConnection::OnBackendAnswered(absl::StatusOr<std::string> answer) {
  if (state_ != State::kConnecting) {
    return;  // closed meanwhile
  }
  OpeningVerdict verdict = ConnectionOpening::Judge(answer, options_);
  if (verdict.kind == OpeningVerdict::Kind::kRejected) {
    opening_.held_pushes().Clear();
    close_reason_ = std::move(verdict.close_reason);
    NoteCloseCause(CloseCause::kRejected);
    FailHandshake(verdict.handshake_error);
    return;
  }
  if (verdict.kind == OpeningVerdict::Kind::kAccepted) {
    opening_.NoteAccepted();
  }
  AcceptConnection();
  if (WriteHeldDeliveries()) {
    ProcessHeldRecords();
  }
}

void HubConnection::ProcessHeldRecords() {
  for (const std::string& record : opening_.TakeHeldRecords()) {
    if (state_ != State::kConnected) {
      return;
    }
    absl::Status status = OnMessageRecord(record);
    if (IsHubProtocolError(status)) {
      FailProtocol(AsStd(status.message()));
      return;
    }
  }
}

void HubConnection::AcceptConnection() {
  state_ = State::kConnected;
  output_.WriteControlFrame(MakeFrame(Handshake::SuccessResponse()));
  host_.OnHandshakeCompleted();
}

absl::Status HubConnection::OnMessageRecord(std::string_view record) {
  absl::StatusOr<HubMessage> parsed = IncomingRecords::Parse(record, protocol_);
  if (!parsed.ok()) {
    if (absl::IsNotFound(parsed.status())) {
      return absl::OkStatus();  // unknown message type: ignored for forward compatibility
    }
    return parsed.status();
  }
  HubMessage& message = *parsed;
  absl::StatusOr<StatefulReconnect::Verdict> verdict = output_.OnReceived(message);
  if (!verdict.ok()) {
    return verdict.status();
  }
  if (*verdict == StatefulReconnect::Verdict::kSkip) {
    return absl::OkStatus();
  }
  switch (TypeOf(message)) {
    case MessageType::kPing:
      liveness_.OnClientPing();
      break;
    case MessageType::kClose:
      // The client is leaving; nothing is sent back.
      state_ = State::kClosing;
      host_.CloseTransport();
      return absl::CancelledError("client closed");
    case MessageType::kInvocation:
    case MessageType::kStreamInvocation:
    case MessageType::kCancelInvocation:
    case MessageType::kStreamItem:
    case MessageType::kCompletion:
      calls().OnMessage(std::move(message), liveness_.last_receive());
      break;
    case MessageType::kAck:
    case MessageType::kSequence:
      // Consumed above with stateful reconnect; meaningless without it.
      break;
  }
  return state_ == State::kConnected ? absl::OkStatus() : absl::CancelledError("closing");
}

void HubConnection::OnTick(TimePoint now) {
  switch (state_) {
    case State::kHandshaking:
      if (liveness_.HandshakeTimedOut(now)) {
        FailHandshake(kHandshakeCanceled);
      }
      return;
    case State::kConnecting:
      return;  // bounded by the backend call's deadline
    case State::kConnected:
      if (calls_ != nullptr) {
        calls_->OnTick(now);
      }
      if (detached_since_.has_value()) {
        return;  // no pings or client timeout while waiting for a reconnect
      }
      output_.OnTick();  // Acks count as writes
      switch (liveness_.OnTick(now, output_.TakeWroteSinceTick(),
                               context_.authentication_expiry)) {
        case ConnectionLiveness::Due::kNothing:
          return;
        case ConnectionLiveness::Due::kPing:
          WriteMessage(PingMessage{});
          return;
        case ConnectionLiveness::Due::kClientTimeout:
          CloseFor(ServerClose::ClientTimeout());
          return;
        case ConnectionLiveness::Due::kAuthenticationExpired:
          CloseFor(ServerClose::AuthenticationExpired(options_.detailed_errors));
          return;
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
  NoteCloseCause(CloseCause::kServerClosed);
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

void HubConnection::CloseWhenIdle() {
  if (state_ != State::kConnected || calls_ == nullptr || !calls_->HasInvocationsInFlight()) {
    Close(std::nullopt, /*allow_reconnect=*/true);
    return;
  }
  close_when_idle_ = true;
}

void HubConnection::OnInvocationsIdle() {
  if (close_when_idle_ && state_ == State::kConnected) {
    Close(std::nullopt, /*allow_reconnect=*/true);
  }
}

void HubConnection::OnTransportClosed(std::string_view transport_error) {
  if (state_ == State::kClosed) {
    return;
  }
  state_ = State::kClosed;
  if (close_reason_.empty()) {
    close_reason_ = std::string(transport_error);
  }
  NoteCloseCause(transport_error.empty() ? CloseCause::kClientClosed
                                         : CloseCause::kTransportError);
  if (calls_ != nullptr) {
    calls_->OnConnectionClosed();
  }
  if (opening_.BackendMustHearOfClose(close_reason_)) {
    backend_->OnDisconnected(context_, close_reason_);
  }
}

void HubConnection::InvokeClient(std::string method, std::vector<Value> arguments,
                                 TimePoint deadline, ClientResultCallback done) {
  if (state_ != State::kConnected) {
    std::move(done)(absl::UnavailableError(ConnectionDisconnectedText(context_.connection_id)));
    return;
  }
  calls().InvokeClient(std::move(method), std::move(arguments), deadline, std::move(done));
}

bool HubConnection::WriteHeldDeliveries() {
  for (HeldPushes::Push& push : opening_.held_pushes().TakeAll()) {
    if (state_ != State::kConnected) {
      return false;
    }
    WriteBounded(std::move(push.frame), push.type);
  }
  if (state_ == State::kConnected && opening_.held_pushes().TakeOverflow()) {
    ApplySlowConsumerPolicy();
  }
  return state_ == State::kConnected;
}

void HubConnection::Deliver(const SerializedMessage& message) {
  if (state_ == State::kConnecting) {
    opening_.held_pushes().Hold(message.FrameFor(protocol_), message.type(),
                                options_.max_queued_bytes);
    return;
  }
  if (state_ != State::kConnected) {
    return;
  }
  WriteBounded(message.FrameFor(protocol_), message.type());
}

bool HubConnection::WriteBounded(FrameConstSharedPtr frame, MessageType type) {
  return output_.WriteBounded(std::move(frame), type) || ApplySlowConsumerPolicy();
}

bool HubConnection::ApplySlowConsumerPolicy() {
  if (options_.slow_consumer_policy == SlowConsumerPolicy::kDrop) {
    return false;  // best-effort hub: the message is dropped, the connection stays
  }
  CloseFor(ServerClose::SlowConsumer(options_.detailed_errors));
  return false;
}

void HubConnection::CloseFor(ServerClose close) {
  close_reason_ = std::move(close.reason);
  NoteCloseCause(close.cause);
  Close(std::move(close.error), close.allow_reconnect);
}

bool HubConnection::WriteToClient(const HubMessage& message, bool bounded) {
  if (state_ != State::kConnected) {
    return false;
  }
  if (!bounded) {
    return WriteMessage(message);
  }
  return WriteBounded(EncodeFrame(message, protocol_), TypeOf(message));
}

void HubConnection::FailHandshake(std::string_view error) {
  NoteCloseCause(CloseCause::kHandshakeFailed);
  if (close_reason_.empty()) {
    close_reason_ = std::string(error);
  }
  output_.WriteControlFrame(MakeFrame(Handshake::ErrorResponse(error)));
  state_ = State::kClosing;
  host_.CloseTransport();
}

void HubConnection::FailProtocol(std::string_view detail) {
  CloseFor(ServerClose::ProtocolError(detail, options_.detailed_errors));
}

bool HubConnection::WriteMessage(const HubMessage& message) {
  if (output_.WriteMessage(EncodeFrame(message, protocol_), TypeOf(message))) {
    return true;
  }
  // A client that does not acknowledge may have twice the send-queue bound held back; a
  // completion or client call cannot be dropped, so beyond that the connection ends.
  CloseFor(ServerClose::SlowConsumer(options_.detailed_errors));
  return false;
}

bool HubConnection::OnTransportLost(TimePoint now) {
  if (!output_.stateful() || state_ != State::kConnected) {
    return false;
  }
  output_.Detach();
  detached_since_ = now;
  // A message cut off with the transport is neither processed nor acknowledged: the client
  // sends it again whole after the reconnect.
  incoming_.Reset();
  return true;
}

void HubConnection::OnTransportReattached(TimePoint now) {
  if (!output_.stateful() || state_ != State::kConnected) {
    return;
  }
  detached_since_.reset();
  liveness_.Restart(now);
  output_.Reattach();
}

}  // namespace hubgate::hubcore
