#include "gateway/transports/http_transport_session.h"

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
                                           Params params, TransportKind transport)
    : ConnectionSession(worker, context, *params.hub, params.backend, std::move(params.context),
                        std::move(params.token), transport),
      response_headers_(std::move(params.response_headers)) {}

HttpTransportSession::~HttpTransportSession() = default;

void HttpTransportSession::Open() {
  HoldSelf(SelfHold::kUntilTeardown);
  Register();
}

void HttpTransportSession::OnSend(std::string body, HttpResponderSharedPtr request) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (torn_down()) {
    request->Respond(http::status::not_found, std::string(kNoConnectionWithThatId));
    return;
  }
  if (unread_send_ != nullptr) {
    // The official client sends one POST at a time; a second one meanwhile is refused rather
    // than buffered.
    request->Respond(http::status::conflict, "Another send request is in progress.");
    return;
  }
  if (!close_requested() && queued_bytes() > 2 * hub_.options().max_queued_bytes) {
    unread_body_ = std::move(body);
    unread_send_ = std::move(request);
    return;
  }
  Read(std::move(body), std::move(request));
}

void HttpTransportSession::Read(std::string body, HttpResponderSharedPtr request) {
  CountReceived(body.size(), 1);
  const auto now = std::chrono::steady_clock::now();
  hub_.OnData(body, now);
  NoteReceived(false, now);  // a send is whole; a record it leaves open is still partial
  if (read_paused_ && !torn_down() && !close_requested()) {
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
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  poll->Respond(http::status::bad_request, "Cannot change transports mid-connection");
}

bool HttpTransportSession::Write(hubcore::FrameConstSharedPtr frame, bool bounded) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (close_requested() || torn_down()) {
    return true;  // the connection is ending; nothing more goes out, and that is not overflow
  }
  if (drop_pings_ && IsPingFrame(*frame)) {
    return true;
  }
  if (!ReserveQueued(frame->size(), bounded)) {
    return false;
  }
  queue_.push_back(std::move(frame));
  OnQueued();
  return true;
}

void HttpTransportSession::ReleaseSent(size_t bytes) {
  ReleaseQueued(bytes);
  if (unread_send_ != nullptr && queued_bytes() <= hub_.options().max_queued_bytes) {
    // Read on a later turn: the caller is in the middle of its write or poll bookkeeping.
    worker_.Post([self = shared_from_this(), this] {
      if (unread_send_ != nullptr && !torn_down()) {
        HttpResponderSharedPtr request = std::move(unread_send_);
        Read(std::move(unread_body_), std::move(request));
      }
    });
  }
}

void HttpTransportSession::ReleaseSends() {
  for (HttpResponderSharedPtr* send : {&held_send_, &unread_send_}) {
    if (*send != nullptr) {
      auto answered = std::move(*send);
      answered->Respond(http::status::ok);
    }
  }
  unread_body_.clear();
}

void HttpTransportSession::OnCloseRequested() {
  ReleaseSends();
  CloseAfterQueued();
}

void HttpTransportSession::PauseReading() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  read_paused_ = true;
}

void HttpTransportSession::ResumeReading() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  read_paused_ = false;
  if (held_send_ != nullptr) {
    // Answered on a later turn: this may run inside OnData.
    worker_.Post([held = std::move(held_send_)] { held->Respond(http::status::ok); });
  }
}

void HttpTransportSession::OnTick(TimePoint now) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  OnTransportTick(now);
  if (!torn_down() && PartialMessageTimedOut(now)) {
    Abort("partial message timeout");
    return;
  }
  if (!torn_down()) {
    hub_.OnTick(now);
  }
}

void HttpTransportSession::OnTeardown() {
  ReleaseTransport();
  queue_.clear();
  ReleaseQueued(queued_bytes());
  ReleaseSends();
}

}  // namespace hubgate::gateway
