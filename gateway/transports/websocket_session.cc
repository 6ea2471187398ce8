#include "gateway/transports/websocket_session.h"

#include "gateway/transports/buffer_list_view.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

namespace {
// What an idle connection reads into: client messages are small (pings, invocations). A read
// that fills it switches to the large size until a read comes back short, then the large buffer
// is released, so a quiet connection holds kSmallReadChunk bytes, not kLargeReadChunk.
constexpr size_t kSmallReadChunk = 256;
constexpr size_t kLargeReadChunk = 16 * 1024;
// A single write that makes no progress for this long means a stuck peer (.NET's
// TransportSendTimeout), counted in worker ticks (one a second): it fires after 10 to 11 s.
constexpr uint32_t kSendTimeoutTicks = 10;
// Batches up to this many frames keep their vectors' memory for the next write.
constexpr size_t kMaxIdleBatch = 16;
}  // namespace

WebSocketSession::WebSocketSession(ClientStream stream, Worker& worker, GatewayContext& context,
                                   Params params)
    : ConnectionSession(worker, context, *params.hub, params.backend, std::move(params.context),
                        std::move(params.token), TransportKind::kWebSockets),
      ws_(std::in_place, std::move(stream)),
      stateful_(params.stateful),
      read_chunk_(kSmallReadChunk) {}

WebSocketSession::~WebSocketSession() = default;

void WebSocketSession::Run(http::request<http::string_body> request) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (stateful_) {
    hub_.AllowStatefulReconnect();
    context_.registry.AttachWebSocket(token(), std::weak_ptr<WebSocketSession>(SharedFromThis()));
  }
  ConfigureStream();
  ws_->async_accept(request, beast::bind_front_handler(&WebSocketSession::OnAccept,
                                                      SharedFromThis()));
}

void WebSocketSession::ConfigureStream() {
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = std::chrono::seconds(5);  // also bounds the closing handshake
  timeouts.idle_timeout = websocket::stream_base::none();  // the hub protocol pings instead
  timeouts.keep_alive_pings = false;
  ws_->set_option(timeouts);
  ws_->set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
    response.set(http::field::server, "hubgate");
  }));
  ws_->read_message_max(0);  // no per-WebSocket-message cap: the hub protocol enforces its own
  ws_->auto_fragment(false);
}

absl::Status WebSocketSession::PrepareResume(const std::string& user_id) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (torn_down() || close_requested()) {
    return absl::NotFoundError(kNoConnectionWithThatId);  // ending: as for an unknown token
  }
  if (user_id != this->user_id()) {
    return absl::PermissionDeniedError("the connection belongs to another user");
  }
  if (!detached_ && !TryDetach("replaced by a reconnect")) {
    return absl::AlreadyExistsError("Connection ID already has an active transport");
  }
  return absl::OkStatus();
}

void WebSocketSession::Resume(ClientStream stream, http::request<http::string_body> request) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  ws_.emplace(std::move(stream));
  ConfigureStream();
  ForgetPartialMessage();  // the lost transport's unfinished message is not continued
  ++generation_;
  ws_->async_accept(request, [self = SharedFromThis(), generation = generation_](error_code ec) {
    self->OnResumeAccepted(ec, generation);
  });
}

void WebSocketSession::OnResumeAccepted(error_code ec, uint32_t generation) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (generation != generation_ || torn_down()) {
    return;
  }
  if (ec) {
    spdlog::debug("connection {}: reconnect failed: {}", connection_id(), ec.message());
    return;  // still detached; the client may try again within the window
  }
  detached_ = false;
  // Pending operations on the new stream keep the session alive from here on.
  ReleaseSelf(SelfHold::kWhileDetached);
  spdlog::info("connection {}: resumed", connection_id());
  hub_.OnTransportReattached(std::chrono::steady_clock::now());
  DoRead();
  if (!writing_ && !queue_.empty()) {
    DoWrite();
  }
}

bool WebSocketSession::TryDetach(std::string_view why) {
  if (close_requested() || torn_down() || detached_ ||
      !hub_.OnTransportLost(std::chrono::steady_clock::now())) {
    return false;
  }
  detached_ = true;
  HoldSelf(SelfHold::kWhileDetached);
  ++generation_;
  error_code ignored;
  ws_->next_layer().socket().close(ignored);
  // What waited for the next write is not sent on the old transport: the trackable frames are
  // in the reconnect log and are replayed; pings and acks are not needed. A write or read still
  // in flight completes (aborted) later and is recognised by its generation.
  for (const auto& frame : queue_) {
    ReleaseQueued(frame->size());
  }
  queue_.clear();
  waiting_for_queue_ = false;
  spdlog::info("connection {}: transport lost, kept for reconnect ({})", connection_id(), why);
  return true;
}

void WebSocketSession::OnAccept(error_code ec) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (ec) {
    Teardown(ec.message());
    return;
  }
  Register();
  DoRead();
}

void WebSocketSession::DoRead() {
  if (read_paused_ || waiting_for_queue_ || reading_ || torn_down()) {
    return;
  }
  reading_ = true;
  ws_->async_read_some(read_buffer_.prepare(read_chunk_),
                      [self = SharedFromThis(), generation = generation_](error_code ec,
                                                                           size_t bytes) {
                        self->OnRead(ec, bytes, generation);
                      });
}

void WebSocketSession::OnRead(error_code ec, size_t bytes, uint32_t generation) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  reading_ = false;
  if (generation != generation_) {
    // The read of a transport that was lost or replaced: its bytes (if any) are not used.
    if (!detached_ && !torn_down()) {
      DoRead();
    }
    return;
  }
  if (ec) {
    // A close handshake (either side's) or our own close ending the read is a clean end.
    const bool clean = ec == websocket::error::closed || close_requested();
    if (!clean && TryDetach(ec.message())) {
      return;
    }
    Teardown(clean ? "" : ec.message());
    return;
  }
  read_buffer_.commit(bytes);
  CountReceived(bytes, ws_->is_message_done() ? 1 : 0);
  auto data = read_buffer_.cdata();
  const auto now = std::chrono::steady_clock::now();
  hub_.OnData(std::string_view(static_cast<const char*>(data.data()), data.size()), now);
  NoteReceived(!ws_->is_message_done(), now);
  read_buffer_.consume(read_buffer_.size());
  if (bytes == read_chunk_) {
    read_chunk_ = kLargeReadChunk;  // more is probably waiting
  } else if (read_chunk_ != kSmallReadChunk) {
    read_chunk_ = kSmallReadChunk;
    read_buffer_.shrink_to_fit();  // empty: frees the large buffer
  }
  if (!close_requested() && writing_ && queued_bytes() > 2 * hub_.options().max_queued_bytes) {
    waiting_for_queue_ = true;  // resumed by OnWrite once the client has read enough
  }
  DoRead();  // keep reading even while closing, to see the peer's close frame
}

void WebSocketSession::PauseReading() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  read_paused_ = true;
  // With no read pending, only this reference keeps the session (and its connection) alive.
  HoldSelf(SelfHold::kWhileReadingPaused);
}

void WebSocketSession::ResumeReading() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  read_paused_ = false;
  if (close_requested()) {
    waiting_for_queue_ = false;  // the peer's close frame must be read
  }
  DoRead();
  ReleaseSelf(SelfHold::kWhileReadingPaused);
}

bool WebSocketSession::Write(hubcore::FrameConstSharedPtr frame, bool bounded) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (close_requested() || torn_down() || detached_) {
    // The connection is ending, or waiting for a reconnect (whose replay comes from the
    // reconnect log): nothing goes out now, and that is not overflow.
    return true;
  }
  if (!ReserveQueued(frame->size(), bounded)) {
    return false;
  }
  queue_.push_back(std::move(frame));
  if (!writing_) {
    DoWrite();
  }
  return true;
}

void WebSocketSession::DoWrite() {
  in_flight_.swap(queue_);  // queue_ is empty (and keeps the capacity of the last batch)
  writing_ = true;
  write_ticks_ = 0;
  ws_->text(hub_.protocol() == hubcore::HubProtocol::kJson);
  auto on_write = [self = SharedFromThis(), generation = generation_](error_code ec, size_t) {
    self->OnWrite(ec, generation);
  };
  if (in_flight_.size() == 1) {
    const hubcore::Frame& frame = *in_flight_.front();
    ws_->async_write(net::const_buffer(frame.data(), frame.size()), std::move(on_write));
    return;
  }
  write_buffers_.clear();
  for (const auto& frame : in_flight_) {
    write_buffers_.emplace_back(frame->data(), frame->size());
  }
  const net::const_buffer* first = write_buffers_.data();
  ws_->async_write(BufferListView{first, first + write_buffers_.size()}, std::move(on_write));
}

void WebSocketSession::OnWrite(error_code ec, uint32_t generation) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  writing_ = false;
  size_t written_bytes = 0;
  for (const auto& frame : in_flight_) {
    written_bytes += frame->size();
  }
  ReleaseQueued(written_bytes);
  if (!ec) {
    CountSent(in_flight_.size(), written_bytes);
  }
  const size_t batch = in_flight_.size();
  in_flight_.clear();
  if (batch > kMaxIdleBatch) {
    // A large batch went out: give its memory back rather than keep it on an idle connection.
    std::vector<hubcore::FrameConstSharedPtr>().swap(in_flight_);
    std::vector<net::const_buffer>().swap(write_buffers_);
  }
  if (generation != generation_) {
    // The write of a transport that was lost or replaced ended; the new one may go on.
    if (!detached_ && !torn_down()) {
      if (!queue_.empty()) {
        DoWrite();
      } else if (close_requested()) {
        DoClose();
      }
    }
    return;
  }
  if (ec) {
    if (TryDetach(ec.message())) {
      return;
    }
    Abort(ec.message());
    return;
  }
  if (waiting_for_queue_ && queued_bytes() <= hub_.options().max_queued_bytes) {
    waiting_for_queue_ = false;
    DoRead();
  }
  if (!queue_.empty()) {
    DoWrite();
  } else if (close_requested()) {
    DoClose();
  }
}

void WebSocketSession::OnCloseRequested() {
  if (detached_) {
    // No transport to close: the connection ends now (on a later turn: the hub connection may
    // be in the middle of its Close).
    worker_.Post([self = SharedFromThis()] {
      self->Teardown("closed while waiting for a reconnect");
    });
    return;
  }
  // The peer's close frame must be read even under back-pressure. Resumed on a later turn: this
  // may run inside OnData, whose bytes live in the read buffer.
  worker_.Post([self = SharedFromThis()] { self->ResumeReading(); });
  if (!writing_) {
    DoClose();
  }
}

void WebSocketSession::DoClose() {
  if (closing_socket_ || torn_down()) {
    return;
  }
  closing_socket_ = true;
  ws_->async_close(websocket::close_code::normal,
                  [self = SharedFromThis()](error_code ec) {
                    if (ec) {
                      self->Abort(ec.message());
                    }
                    // Otherwise the pending read completes with `closed` and tears down.
                  });
}

void WebSocketSession::Abort(std::string_view why) {
  error_code ignored;
  ws_->next_layer().socket().shutdown(tcp::socket::shutdown_both, ignored);
  ws_->next_layer().socket().close(ignored);
  Teardown(why);
}

void WebSocketSession::OnTeardown() {
  // Close the socket whatever state the stream is in (see ConnectionSession::Teardown).
  error_code ignored;
  ws_->next_layer().socket().close(ignored);
  queue_.clear();
}

void WebSocketSession::OnTick(std::chrono::steady_clock::time_point now) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (detached_) {
    if (hub_.ReconnectWindowExpired(now)) {
      Teardown("reconnect window expired");
      return;
    }
    hub_.OnTick(now);
    return;
  }
  if (writing_ && ++write_ticks_ > kSendTimeoutTicks) {
    spdlog::info("connection {}: a write made no progress for {} s, closing",
                 connection_id(), kSendTimeoutTicks);
    hub_.NoteCloseCause(hubcore::CloseCause::kSlowConsumer);
    Abort("send timeout");
    return;
  }
  if (PartialMessageTimedOut(now)) {
    Abort("partial message timeout");
    return;
  }
  hub_.OnTick(now);
}

}  // namespace hubgate::gateway
