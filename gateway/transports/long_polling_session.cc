#include "gateway/transports/long_polling_session.h"

#include <vector>

#include "spdlog/spdlog.h"

namespace hubgate::gateway {

LongPollingSession::LongPollingSession(Worker& worker, GatewayContext& context, Params params)
    : HttpTransportSession(worker, context, std::move(params), TransportKind::kLongPolling) {
  drop_pings_ = true;
}

void LongPollingSession::Start() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  inactive_since_ = std::chrono::steady_clock::now();
  Open();
}

HttpResponderSharedPtr LongPollingSession::TakePoll() {
  HttpResponderSharedPtr poll = poll_.lock();
  poll_.reset();
  if (poll_pending_) {
    poll_pending_ = false;
    inactive_since_ = std::chrono::steady_clock::now();
  }
  return poll;
}

void LongPollingSession::OnPoll(HttpResponderSharedPtr poll) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (torn_down()) {
    poll->Respond(http::status::no_content);
    return;
  }
  if (auto older = TakePoll()) {
    spdlog::debug("connection {}: a newer poll replaces the pending one", connection_id());
    older->Respond(http::status::no_content);  // a newer poll cancels the older one
  }
  poll_ = poll;
  poll_pending_ = true;
  poll_started_ = std::chrono::steady_clock::now();
  if (!queue_.empty() || close_requested()) {
    Flush();
    return;
  }
  spdlog::debug("connection {}: long poll held", connection_id());
  poll->HoldForPoll();
}

void LongPollingSession::OnQueued() {
  // Frames queued in the same turn of the loop (a batch of pushes) go out in one response.
  if (flush_scheduled_ || !poll_pending_) {
    return;
  }
  flush_scheduled_ = true;
  worker_.Post([self = shared_from_this(), this] {
    flush_scheduled_ = false;
    Flush();
  });
}

void LongPollingSession::Flush() {
  if (torn_down() || !poll_pending_) {
    return;
  }
  if (!queue_.empty()) {
    HttpResponderSharedPtr poll = TakePoll();
    if (poll == nullptr) {
      return;  // the client went away; the frames wait for the next poll
    }
    std::vector<hubcore::FrameConstSharedPtr> frames(std::make_move_iterator(queue_.begin()),
                                                      std::make_move_iterator(queue_.end()));
    queue_.clear();
    CountSent(frames.size(), queued_bytes());
    ReleaseSent(queued_bytes());
    poll->RespondWithFrames(std::move(frames));
    return;
  }
  if (close_requested()) {
    if (HttpResponderSharedPtr poll = TakePoll()) {
      poll->Respond(http::status::no_content);
    }
    Teardown("");
  }
}

void LongPollingSession::CloseAfterQueued() {
  // What is queued goes out with the pending poll or the next one; the poll after that (or
  // this one, with nothing queued) gets 204, which stops the client.
  Flush();
}

void LongPollingSession::OnDelete() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (HttpResponderSharedPtr poll = TakePoll()) {
    poll->Respond(http::status::no_content);
  }
  Teardown("");
}

void LongPollingSession::OnTransportTick(TimePoint now) {
  if (poll_pending_) {
    if (poll_.expired()) {
      TakePoll();  // the client dropped the poll: the connection is inactive from now
    } else if (now - poll_started_ >= hub_.options().poll_timeout) {
      TakePoll()->Respond(http::status::ok);  // nothing to send: the client polls again
    }
    return;
  }
  if (now - inactive_since_ >= hub_.options().disconnect_timeout) {
    spdlog::info("connection {}: no long poll for {} ms (disconnect_timeout), closing",
                 connection_id(), hub_.options().disconnect_timeout.count());
    Teardown(close_requested() ? "" : "no poll within disconnect_timeout");
  }
}

void LongPollingSession::Abort(std::string_view why) {
  if (HttpResponderSharedPtr poll = TakePoll()) {
    poll->Respond(http::status::no_content);
  }
  Teardown(why);
}

void LongPollingSession::ReleaseTransport() {
  if (HttpResponderSharedPtr poll = TakePoll()) {
    poll->Respond(http::status::no_content);  // the connection is closed
  }
}

}  // namespace hubgate::gateway
