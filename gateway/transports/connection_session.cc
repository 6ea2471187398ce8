#include "gateway/transports/connection_session.h"

#include <chrono>
#include <utility>

#include "gateway/transports/session_executor.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

namespace {
// The `transport` label of the connection and traffic metrics.
std::string_view MetricLabel(TransportKind transport) {
  switch (transport) {
    case TransportKind::kWebSockets:
      return "websockets";
    case TransportKind::kServerSentEvents:
      return "serversentevents";
    case TransportKind::kLongPolling:
      return "longpolling";
    case TransportKind::kNone:
      break;
  }
  HUBGATE_CHECK(false, "a session needs a transport");
}
}  // namespace

ConnectionSession::ConnectionSession(Worker& worker, GatewayContext& context,
                                     const hubcore::HubOptions& hub, hubcore::HubBackend* backend,
                                     hubcore::CallContext call_context, std::string token,
                                     TransportKind transport)
    : worker_(worker),
      context_(context),
      hub_(std::move(call_context), hub, *this, backend, std::chrono::steady_clock::now()),
      token_(std::move(token)),
      traffic_(context.metrics.TrafficFor(hub.name, MetricLabel(transport))),
      transport_(transport) {}

ConnectionSession::~ConnectionSession() = default;

std::string_view ConnectionSession::transport_label() const { return MetricLabel(transport_); }

void ConnectionSession::Register() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  HUBGATE_CHECK(!registered_ && !torn_down_, "a session registers once, before it ends");
  worker_.AddSession(this);
  registered_ = true;
  spdlog::debug("connection {} opened on hub {} over {} (user '{}')", connection_id(),
                hub_.options().name, hub_.context().transport, user_id());
}

void ConnectionSession::CloseTransport() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (close_requested_ || torn_down_) {
    return;
  }
  close_requested_ = true;
  // A closing connection is no longer a recipient: by the time the peer sees the close, pushes
  // no longer count it. Deferred to the next turn of the loop: this may run while the worker
  // walks the routing index to deliver a push (a queue overflow closes the connection).
  worker_.Post([self = shared_from_this()] { self->Unroute(); });
  OnCloseRequested();
}

void ConnectionSession::OnConnecting(absl::AnyInvocable<void()> routable) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  Route();
  if (context_.cluster == nullptr || !routed_) {
    routable();
    return;
  }
  // Runs on this worker through the executor, and only while the session exists.
  context_.cluster->WhenRoutable(
      hub_.options().name, connection_id(), user_id(),
      [executor = Executor(), routable = std::move(routable)]() mutable {
        executor->Run([routable = std::move(routable)]() mutable { routable(); });
      });
}

void ConnectionSession::OnHandshakeCompleted() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  Route();
  counted_open_ = true;
  context_.metrics.ConnectionOpened(hub_.options().name, transport_label(), hub_.protocol());
  spdlog::debug("connection {} completed the handshake", connection_id());
}

void ConnectionSession::Route() {
  if (!routed_ && !close_requested_) {
    worker_.IndexFor(hub_.options().name).AddConnection(connection_id(), user_id(), &hub_);
    routed_ = true;
  }
}

void ConnectionSession::Unroute() {
  if (routed_) {
    worker_.IndexFor(hub_.options().name).RemoveConnection(connection_id());
    routed_ = false;
  }
}

hubcore::ConnectionExecutorSharedPtr ConnectionSession::Executor() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (executor_ == nullptr) {
    executor_ = std::make_shared<SessionExecutor>(worker_, weak_from_this());
  }
  return executor_;
}

void ConnectionSession::CloseForShutdown() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (hub_.state() == hubcore::HubConnection::State::kHandshaking) {
    CloseTransport();
    return;
  }
  hub_.CloseWhenIdle();
}

void ConnectionSession::AbortForShutdown() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  hub_.NoteCloseCause(hubcore::CloseCause::kServerClosed);
  Abort("shutdown deadline");
}

void ConnectionSession::HoldSelf(SelfHold why) {
  if (torn_down_) {
    return;
  }
  if (self_ == nullptr) {
    self_ = shared_from_this();
  }
  self_holds_ |= static_cast<uint8_t>(why);
}

void ConnectionSession::ReleaseSelf(SelfHold why) {
  self_holds_ &= static_cast<uint8_t>(~static_cast<uint8_t>(why));
  if (self_holds_ == 0 && self_ != nullptr) {
    worker_.Post([keep = std::move(self_)] {});
  }
}

void ConnectionSession::Teardown(std::string_view reason) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (torn_down_) {
    return;
  }
  torn_down_ = true;
  // The transport goes first: a peer that half-closed while a write is stuck (zero window)
  // would otherwise keep the descriptor and the queued frames alive.
  OnTeardown();
  hub_.OnTransportClosed(reason);
  if (counted_open_) {
    context_.metrics.ConnectionClosed(hub_.options().name, transport_label(), hub_.protocol(),
                                      hub_.close_cause());
  } else if (registered_) {
    context_.metrics.HandshakeFailed(hub_.options().name, transport_label(), hub_.close_cause());
  }
  Unroute();
  context_.registry.Remove(token_);
  const std::string why =
      hub_.close_reason().empty() ? std::string(reason) : hub_.close_reason();
  spdlog::debug("connection {} closed{}{}", connection_id(), why.empty() ? "" : ": ", why);
  self_holds_ = 0;
  if (self_ != nullptr) {
    // Released on a later turn of the loop: the caller may still be inside this object.
    worker_.Post([keep = std::move(self_)] {});
  }
  if (registered_) {
    registered_ = false;
    worker_.RemoveSession(this);  // last: may finish a shutdown drain
  }
}

void ConnectionSession::OnLimitHit(std::string_view limit) { context_.metrics.LimitHit(limit); }

bool ConnectionSession::PartialMessageTimedOut(std::chrono::steady_clock::time_point now) {
  if (!partial_since_ || now - *partial_since_ < context_.config.limits.partial_message_timeout) {
    return false;
  }
  spdlog::info("connection {}: a message was not finished in time, closing", connection_id());
  context_.metrics.LimitHit("partial_message_timeout");
  hub_.NoteCloseCause(hubcore::CloseCause::kProtocolError);
  partial_since_.reset();
  return true;
}

}  // namespace hubgate::gateway
