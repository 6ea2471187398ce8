#include "gateway/transports/http_transport_session.h"

#include "gateway/runtime/session_executor.h"
#include "prometheus/counter.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

namespace {

// The hub's Ping in each protocol (JSON {"type":6} and MessagePack [6]).
bool IsPingFrame(const hubcore::Frame& frame) {
  const std::string_view bytes(frame.data(), frame.size());
  return bytes == "{\"type\":6}\x1e" || bytes == std::string_view("\x02\x91\x06", 3);
}
}  // namespace

HttpTransportSession::HttpTransportSession(Worker& worker, GatewayContext& context,
                                           Params params, std::string_view transport_label)
    : worker_(worker),
      context_(context),
      params_(std::move(params)),
      hub_(params_.context, *params_.hub, *this, params_.backend,
           std::chrono::steady_clock::now()),
      transport_label_(transport_label),
      traffic_(context.metrics.TrafficFor(params_.hub->name, transport_label)) {}

HttpTransportSession::~HttpTransportSession() = default;

void HttpTransportSession::Register() {
  self_ = shared_from_this();
  worker_.AddSession(this);
  registered_ = true;
  spdlog::debug("connection {} opened on hub {} over {} (user '{}')", connection_id(),
                params_.hub->name, params_.context.transport, params_.context.user_id);
}

void HttpTransportSession::OnSend(std::string body, HttpResponderSharedPtr request) {
  if (torn_down_) {
    request->Respond(http::status::not_found, std::string(kNoConnectionWithThatId));
    return;
  }
  traffic_->bytes_received->Increment(static_cast<double>(body.size()));
  traffic_->messages_received->Increment();
  hub_.OnData(body, std::chrono::steady_clock::now());
  if (read_paused_ && !torn_down_ && !close_requested_) {
    // The client sends one POST at a time: holding the answer holds its uploads.
    if (held_send_ != nullptr) {
      held_send_->Respond(http::status::ok);
    }
    held_send_ = std::move(request);
    return;
  }
  request->Respond(http::status::ok);
}

void HttpTransportSession::OnPoll(HttpResponderSharedPtr poll) {
  poll->Respond(http::status::bad_request, "Cannot change transports mid-connection");
}

bool HttpTransportSession::Write(hubcore::FrameConstSharedPtr frame, bool bounded) {
  if (close_requested_ || torn_down_) {
    return true;  // the connection is ending; nothing more goes out, and that is not overflow
  }
  if (drop_pings_ && IsPingFrame(*frame)) {
    return true;
  }
  if (bounded && queued_bytes_ + frame->size() > params_.hub->max_queued_bytes) {
    traffic_->queue_overflows->Increment();
    return false;
  }
  queued_bytes_ += frame->size();
  queue_.push_back(std::move(frame));
  OnQueued();
  return true;
}

void HttpTransportSession::CloseTransport() {
  if (close_requested_ || torn_down_) {
    return;
  }
  close_requested_ = true;
  // Deferred: this may run while the worker walks the routing index (see WebSocketSession).
  worker_.Post([self = shared_from_this()] { self->Unroute(); });
  if (held_send_ != nullptr) {
    auto held = std::move(held_send_);
    held->Respond(http::status::ok);
  }
  OnCloseRequested();
}

void HttpTransportSession::OnHandshakeCompleted() {
  worker_.IndexFor(params_.hub->name)
      .AddConnection(connection_id(), params_.context.user_id, &hub_);
  routed_ = true;
  counted_open_ = true;
  context_.metrics.ConnectionOpened(params_.hub->name, transport_label_, hub_.protocol());
  spdlog::debug("connection {} completed the handshake", connection_id());
}

hubcore::ConnectionExecutorSharedPtr HttpTransportSession::Executor() {
  if (executor_ == nullptr) {
    executor_ = std::make_shared<SessionExecutor<HttpTransportSession>>(worker_, weak_from_this());
  }
  return executor_;
}

void HttpTransportSession::PauseReading() { read_paused_ = true; }

void HttpTransportSession::ResumeReading() {
  read_paused_ = false;
  if (held_send_ != nullptr) {
    // Answered on a later turn: this may run inside OnData.
    worker_.Post([held = std::move(held_send_)] { held->Respond(http::status::ok); });
  }
}

void HttpTransportSession::OnTick(TimePoint now) {
  OnTransportTick(now);
  if (!torn_down_) {
    hub_.OnTick(now);
  }
}

void HttpTransportSession::CloseForShutdown() {
  if (hub_.state() == hubcore::HubConnection::State::kHandshaking) {
    CloseTransport();
    return;
  }
  hub_.CloseWhenIdle();
}

void HttpTransportSession::AbortForShutdown() {
  hub_.NoteCloseCause(hubcore::CloseCause::kServerClosed);
  Abort("shutdown deadline");
}

void HttpTransportSession::CountSent(size_t frames, size_t bytes) {
  traffic_->messages_sent->Increment(static_cast<double>(frames));
  traffic_->bytes_sent->Increment(static_cast<double>(bytes));
}

void HttpTransportSession::Unroute() {
  if (routed_) {
    worker_.IndexFor(params_.hub->name).RemoveConnection(connection_id());
    routed_ = false;
  }
}

void HttpTransportSession::Teardown(std::string_view reason) {
  if (torn_down_) {
    return;
  }
  torn_down_ = true;
  OnTeardown();
  hub_.OnTransportClosed(reason);
  if (counted_open_) {
    context_.metrics.ConnectionClosed(params_.hub->name, transport_label_, hub_.protocol(),
                                      hub_.close_cause());
  } else if (registered_) {
    context_.metrics.HandshakeFailed(params_.hub->name, transport_label_, hub_.close_cause());
  }
  Unroute();
  context_.registry.Remove(params_.token);
  std::string why = hub_.close_reason().empty() ? std::string(reason) : hub_.close_reason();
  spdlog::debug("connection {} closed{}{}", connection_id(), why.empty() ? "" : ": ", why);
  queue_.clear();
  queued_bytes_ = 0;
  if (held_send_ != nullptr) {
    auto held = std::move(held_send_);
    held->Respond(http::status::ok);
  }
  // Released on a later turn of the loop: the caller may still be inside this object.
  worker_.Post([keep = std::move(self_)] {});
  if (registered_) {
    registered_ = false;
    worker_.RemoveSession(this);  // last: may finish a shutdown drain
  }
}

}  // namespace hubgate::gateway
