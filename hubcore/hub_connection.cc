#include "hubcore/hub_connection.h"

#include <utility>

#include "hubcore/handshake.h"
#include "hubcore/hub_errors.h"
#include "hubcore/messagepack_hub_protocol.h"
#include "hubcore/json_hub_protocol.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::hubcore {

namespace {
// Messages a client may send before the backend has accepted its connection (held, then
// processed in order).
constexpr size_t kMaxHeldRecords = 64;
}  // namespace

HubConnection::HubConnection(CallContext context, const HubOptions& options,
                             HubConnectionHost& host, HubBackend* backend, TimePoint now)
    : context_(std::move(context)),
      options_(options),
      host_(host),
      backend_(backend),
      reader_(options.max_message_size),
      binary_reader_(options.max_message_size),
      created_(now),
      last_write_(now),
      last_receive_(now),
      invocation_rate_limit_(options) {}

HubConnection::~HubConnection() = default;

InvocationDispatcher& HubConnection::dispatcher() {
  if (dispatcher_ == nullptr) {
    dispatcher_ = std::make_unique<InvocationDispatcher>(backend_, context_, options_,
                                                         static_cast<DispatcherHost&>(*this));
  }
  return *dispatcher_;
}

void HubConnection::OnData(std::string_view bytes, TimePoint now) {
  if (state_ == State::kClosing || state_ == State::kClosed) {
    return;  // the peer's late messages are not processed once we decided to close
  }
  last_receive_ = now;
  auto on_record = [&](std::string_view record) { return OnRecord(record); };
  absl::Status status;
  if (state_ == State::kHandshaking) {
    // The handshake is JSON text ending in 0x1E whatever protocol it selects; what follows it in
    // the same chunk belongs to the selected protocol.
    const size_t end = bytes.find(kRecordSeparator);
    const std::string_view handshake = end == std::string_view::npos ? bytes : bytes.substr(0, end + 1);
    status = reader_.Feed(handshake, on_record);
    bytes.remove_prefix(handshake.size());
  }
  if (status.ok() && !bytes.empty() && state_ != State::kHandshaking &&
      state_ != State::kClosing && state_ != State::kClosed) {
    status = protocol_ == HubProtocol::kMessagePack ? binary_reader_.Feed(bytes, on_record)
                                                     : reader_.Feed(bytes, on_record);
  }
  if (status.ok()) {
    if (reader_.buffered_bytes() == 0) {
      reader_.ShrinkToFit();
    }
    if (binary_reader_.buffered_bytes() == 0) {
      binary_reader_.ShrinkToFit();
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

absl::Status HubConnection::OnRecord(std::string_view record) {
  switch (state_) {
    case State::kHandshaking:
      return OnHandshakeRecord(record);
    case State::kConnecting:
      if (held_records_.size() >= kMaxHeldRecords) {
        return HubProtocolError("Too many messages before the connection was accepted.");
      }
      held_records_.emplace_back(record);
      return absl::OkStatus();
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
    stateful_ = std::make_unique<StatefulReconnect>(
        protocol_, options_.stateful_reconnect_buffer_size, options_.max_queued_bytes);
  }
  if (backend_ == nullptr) {
    AcceptConnection();
    return absl::OkStatus();
  }
  // The backend decides first, so that a rejection reaches the client's start() as a
  // handshake error. Meanwhile the connection is routable: ASP.NET code adds the caller to
  // groups and sends to it in OnConnectedAsync, and backends port that code as it is.
  state_ = State::kConnecting;
  host_.OnConnecting();
  connect_decision_ = std::make_shared<ConnectDecision>();
  backend_->OnConnected(context_, [this, executor = host_.Executor(), backend = backend_,
                                   decision = connect_decision_, context = context_](
                                      absl::StatusOr<std::string> rejection) {
    if (rejection.ok() && rejection->empty()) {
      std::string close_reason;
      bool closed_meanwhile = false;
      {
        absl::MutexLock lock(&decision->mutex);
        decision->accepted = true;
        closed_meanwhile = decision->closed;
        close_reason = decision->close_reason;
      }
      if (closed_meanwhile) {
        backend->OnDisconnected(context, close_reason);  // this connection is gone already
        return;
      }
    }
    executor->Run([this, rejection = std::move(rejection)]() mutable {
      OnBackendConnected(std::move(rejection));
    });
  });
  return absl::OkStatus();
}

void HubConnection::OnBackendConnected(absl::StatusOr<std::string> rejection) {
  if (state_ != State::kConnecting) {
    return;  // closed meanwhile
  }
  if (!rejection.ok() && options_.accept_when_backend_unavailable &&
      (absl::IsUnavailable(rejection.status()) || absl::IsDeadlineExceeded(rejection.status()))) {
    // The operator chose availability over the backend's say: the connection opens without the
    // backend (which then never hears of it, not even its end).
    AcceptConnection();
    if (WriteHeldDeliveries()) {
      ProcessHeldRecords();
    }
    return;
  }
  if (!rejection.ok() || !rejection->empty()) {
    held_pushes_.Clear();
  }
  if (!rejection.ok()) {
    close_reason_ = std::string(rejection.status().message());
    NoteCloseCause(CloseCause::kRejected);
    FailHandshake(BuildErrorText(kHandshakeUnexpectedError, "RpcException", close_reason_,
                                 options_.detailed_errors));
    return;
  }
  if (!rejection->empty()) {
    close_reason_ = *rejection;
    NoteCloseCause(CloseCause::kRejected);
    FailHandshake(*rejection);
    return;
  }
  backend_accepted_ = true;
  AcceptConnection();
  if (WriteHeldDeliveries()) {
    ProcessHeldRecords();
  }
}

void HubConnection::ProcessHeldRecords() {
  std::vector<std::string> held = std::move(held_records_);
  held_records_.clear();
  for (const std::string& record : held) {
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
  WriteControlFrame(MakeFrame(Handshake::SuccessResponse()));
  host_.OnHandshakeCompleted();
}

absl::Status HubConnection::OnMessageRecord(std::string_view record) {
  absl::StatusOr<HubMessage> parsed = protocol_ == HubProtocol::kMessagePack
                                           ? MessagePackHubProtocol::Parse(record)
                                           : JsonHubProtocol::Parse(record);
  if (!parsed.ok()) {
    if (absl::IsNotFound(parsed.status())) {
      return absl::OkStatus();  // unknown message type: ignored for forward compatibility
    }
    return parsed.status();
  }
  HubMessage& message = *parsed;
  if (stateful_ != nullptr) {
    absl::StatusOr<StatefulReconnect::Verdict> verdict = stateful_->OnReceived(
        message, [this](FrameConstSharedPtr frame) { WriteControlFrame(std::move(frame)); });
    if (!verdict.ok()) {
      return verdict.status();
    }
    if (*verdict == StatefulReconnect::Verdict::kSkip) {
      return absl::OkStatus();
    }
  }
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
      if (!AllowInvocation(invocation.invocation_id)) break;
      dispatcher().OnInvocation(std::move(invocation));
      break;
    }
    case MessageType::kStreamInvocation: {
      auto& invocation = std::get<StreamInvocationMessage>(message);
      if (!AllowInvocation(invocation.invocation_id)) break;
      dispatcher().OnStreamInvocation(std::move(invocation));
      break;
    }
    case MessageType::kCancelInvocation:
      dispatcher().OnCancelInvocation(std::get<CancelInvocationMessage>(message));
      break;
    case MessageType::kStreamItem:
      dispatcher().OnStreamItem(std::get<StreamItemMessage>(std::move(message)));
      break;
    case MessageType::kCompletion:
      dispatcher().OnCompletion(std::get<CompletionMessage>(std::move(message)));
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
      if (now - created_ >= options_.handshake_timeout) {
        FailHandshake(kHandshakeCanceled);
      }
      return;
    case State::kConnecting:
      return;  // bounded by the backend call's deadline
    case State::kConnected:
      if (dispatcher_ != nullptr) {
        dispatcher_->OnTick(now);
      }
      if (detached_since_.has_value()) {
        return;  // no pings or client timeout while waiting for a reconnect
      }
      if (stateful_ != nullptr) {
        stateful_->OnTick([this](FrameConstSharedPtr frame) { WriteControlFrame(std::move(frame)); });
      }
      if (wrote_since_tick_) {
        wrote_since_tick_ = false;
        last_write_ = now;
      }
      if (options_.close_on_authentication_expiration &&
          context_.authentication_expiry.has_value() && now >= *context_.authentication_expiry) {
        // ASP.NET Core's CloseOnAuthenticationExpiration. allowReconnect: a client with
        // automatic reconnect negotiates again, with a fresh token from its token factory.
        close_reason_ = "authentication expired";
        NoteCloseCause(CloseCause::kAuthenticationExpired);
        Close(BuildErrorText(kConnectionClosedWithError, "AuthenticationExpiredException",
                             "The connection's access token expired.", options_.detailed_errors),
              /*allow_reconnect=*/true);
        return;
      }
      if (client_timeout_armed_ && now - last_receive_ >= options_.client_timeout) {
        close_reason_ = "client timeout";
        NoteCloseCause(CloseCause::kClientTimeout);
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
  if (state_ != State::kConnected || dispatcher_ == nullptr ||
      !dispatcher_->HasInvocationsInFlight()) {
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
  if (dispatcher_ != nullptr) {
    dispatcher_->OnConnectionClosed();
  }
  bool accepted = backend_accepted_;
  if (!accepted && connect_decision_ != nullptr) {
    absl::MutexLock lock(&connect_decision_->mutex);
    connect_decision_->closed = true;
    connect_decision_->close_reason = close_reason_;
    accepted = connect_decision_->accepted;  // accepted, but the news had not arrived here yet
  }
  if (accepted) {
    backend_->OnDisconnected(context_, close_reason_);
  }
}

void HubConnection::InvokeClient(std::string method, std::vector<Value> arguments,
                                 TimePoint deadline, ClientResultCallback done) {
  if (state_ != State::kConnected) {
    std::move(done)(absl::UnavailableError(ConnectionDisconnectedText(context_.connection_id)));
    return;
  }
  dispatcher().InvokeClient(std::move(method), std::move(arguments), deadline, std::move(done));
}

bool HubConnection::WriteHeldDeliveries() {
  for (HeldPushes::Push& push : held_pushes_.TakeAll()) {
    if (state_ != State::kConnected) {
      return false;
    }
    WriteBounded(std::move(push.frame), push.type);
  }
  if (state_ == State::kConnected && held_pushes_.TakeOverflow()) {
    ApplySlowConsumerPolicy();
  }
  return state_ == State::kConnected;
}

void HubConnection::Deliver(const SerializedMessage& message) {
  if (state_ == State::kConnecting) {
    held_pushes_.Hold(message.FrameFor(protocol_), TypeOf(message.message()),
                      options_.max_queued_bytes);
    return;
  }
  if (state_ != State::kConnected) {
    return;
  }
  WriteBounded(message.FrameFor(protocol_), TypeOf(message.message()));
}

bool HubConnection::WriteBounded(FrameConstSharedPtr frame, MessageType type) {
  if (stateful_ != nullptr) {
    // The log and its hold-back queue bound what is in flight; the transport queue is not
    // bounded separately.
    if (stateful_->Send(std::move(frame), type, /*bounded=*/true,
                        [this](FrameConstSharedPtr f) { WriteControlFrame(std::move(f)); })) {
      return true;
    }
    return ApplySlowConsumerPolicy();
  }
  if (host_.Write(std::move(frame), /*bounded=*/true)) {
    wrote_since_tick_ = true;
    return true;
  }
  return ApplySlowConsumerPolicy();
}

bool HubConnection::AllowInvocation(const std::optional<std::string>& invocation_id) {
  if (invocation_rate_limit_.Allow(last_receive_)) {
    return true;
  }
  host_.OnLimitHit("max_invocations_per_second");
  if (invocation_id.has_value()) {
    CompletionMessage refusal;
    refusal.invocation_id = *invocation_id;
    refusal.error = std::string(kInvocationRateLimitExceeded);
    WriteMessage(refusal);
  }
  return false;
}

bool HubConnection::ApplySlowConsumerPolicy() {
  if (options_.slow_consumer_policy == SlowConsumerPolicy::kDrop) {
    return false;  // best-effort hub: the message is dropped, the connection stays
  }
  CloseAsSlowConsumer();
  return false;
}

void HubConnection::CloseAsSlowConsumer() {
  close_reason_ = "send queue overflow";
  NoteCloseCause(CloseCause::kSlowConsumer);
  Close(BuildErrorText(kConnectionClosedWithError, "SlowConsumerException",
                       "The send queue of the connection is full.", options_.detailed_errors),
        /*allow_reconnect=*/true);
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
  WriteControlFrame(MakeFrame(Handshake::ErrorResponse(error)));
  state_ = State::kClosing;
  host_.CloseTransport();
}

void HubConnection::FailProtocol(std::string_view detail) {
  close_reason_ = std::string(detail);
  NoteCloseCause(CloseCause::kProtocolError);
  Close(BuildErrorText(kConnectionClosedWithError, "InvalidDataException", detail,
                       options_.detailed_errors),
        /*allow_reconnect=*/false);
}

void HubConnection::WriteControlFrame(FrameConstSharedPtr frame) {
  wrote_since_tick_ = true;
  host_.Write(std::move(frame), /*bounded=*/false);
}

bool HubConnection::WriteMessage(const HubMessage& message) {
  if (stateful_ != nullptr) {
    auto write = [this](FrameConstSharedPtr frame) { WriteControlFrame(std::move(frame)); };
    if (!stateful_->Send(EncodeFrame(message, protocol_), TypeOf(message), /*bounded=*/false,
                         write)) {
      // A client that does not acknowledge may have twice the send-queue bound held back; a
      // completion or client call cannot be dropped, so beyond that the connection ends.
      CloseAsSlowConsumer();
      return false;
    }
    return true;
  }
  WriteControlFrame(EncodeFrame(message, protocol_));
  return true;
}

bool HubConnection::OnTransportLost(TimePoint now) {
  if (stateful_ == nullptr || state_ != State::kConnected) {
    return false;
  }
  stateful_->Detach();
  detached_since_ = now;
  // A message cut off with the transport is neither processed nor acknowledged: the client
  // sends it again whole after the reconnect.
  reader_.Reset();
  binary_reader_.Reset();
  return true;
}

void HubConnection::OnTransportReattached(TimePoint now) {
  if (stateful_ == nullptr || state_ != State::kConnected) {
    return;
  }
  detached_since_.reset();
  last_receive_ = now;
  last_write_ = now;
  stateful_->Reattach([this](FrameConstSharedPtr frame) { WriteControlFrame(std::move(frame)); });
}

}  // namespace hubgate::hubcore
