#include "gateway/http/http_session.h"

#include <cstring>
#include <sstream>

#include "gateway/http/client_rate_limiter.h"
#include "gateway/http/cluster_connection_locator.h"
#include "gateway/http/negotiate_handler.h"
#include "gateway/http/replica_forwarder.h"
#include "gateway/http/request_limits.h"
#include "gateway/http/request_router.h"
#include "gateway/http/stream_hand_off.h"
#include "gateway/http/static_file_handler.h"
#include "gateway/http/transport_requests.h"
#include "gateway/http/websocket_connect.h"
#include "hubcore/check.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

namespace {
std::string PeerAddress(const tcp::socket& socket) {
  error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  return ec ? std::string() : peer.address().to_string();
}
}  // namespace

HttpSession::HttpSession(ClientStream stream, Worker& worker, GatewayContext& context,
                         ClientRateLimiter* connect_rate)
    : stream_(std::move(stream)),
      peer_address_(PeerAddress(stream_.socket())),
      client_address_(peer_address_),
      worker_(worker),
      context_(context),
      connect_rate_(connect_rate) {}

bool HttpSession::AllowConnectAttempt() {
  if (connect_rate_ == nullptr ||
      connect_rate_->Allow(client_address_, std::chrono::steady_clock::now())) {
    return true;
  }
  context_.metrics.LimitHit("connection_rate_per_address");
  Answer({http::status::too_many_requests, "Too many connection attempts from this address."});
  return false;
}

void HttpSession::Run() {
  if (!stream_.is_tls()) {
    DoRead();
    return;
  }
  // The handshake counts against the header's time limit: a client that opens TLS and stalls
  // is a slowloris too.
  deadline_.ExpireAfter(context_.config.limits.request_header_timeout, weak_from_this());
  stream_.AsyncHandshake(beast::bind_front_handler(&HttpSession::OnHandshake,
                                                   shared_from_this()));
}

void HttpSession::OnHandshake(error_code ec) {
  if (ec) {
    // Plain HTTP on the TLS port, an untrusted certificate on the client's side, a scanner.
    context_.metrics.TlsHandshakeFailed("http");
    spdlog::debug("TLS handshake with {} failed: {}", client_address_,
                  deadline_.expired() ? "timed out" : ec.message());
    Close();
    return;
  }
  DoRead();
}

void HttpSession::DoRead() {
  parser_.emplace();
  // The largest body any request may have; OnReadHeader narrows it once the header is known.
  parser_->body_limit(RequestLimits::LargestBody(context_.config.hubs));
  parser_->header_limit(RequestLimits::kMaxRequestHeader);
  // Slowloris: a header trickled in byte by byte must not hold the socket for long. The wait
  // for a keep-alive connection's next request counts too.
  deadline_.ExpireAfter(context_.config.limits.request_header_timeout, weak_from_this());
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::OnReadHeader,
                                                    shared_from_this()));
}

void HttpSession::OnReadHeader(error_code ec, size_t bytes) {
  if (ec && deadline_.expired()) {
    ec = beast::error::timeout;
  }
  if (ec == beast::error::timeout && buffer_.size() > 0) {
    // Part of a request arrived, not all of its header (an idle keep-alive connection is not
    // counted: closing it is routine).
    context_.metrics.LimitHit("request_header_timeout");
  }
  if (!ec) {
    deadline_.ExpireAfter(RequestLimits::kRequestTimeout, weak_from_this());
  }
  if (ec || parser_->is_done()) {
    OnRead(ec, bytes);
    return;
  }
  const auto& header = parser_->get();
  const size_t limit = RequestLimits::BodyFor(
      [this](std::string_view path) { return FindHub(path); }, header.method(),
      std::string_view(header.target().data(), header.target().size()));
  if (parser_->content_length().value_or(0) > limit) {
    OnRead(http::error::body_limit, 0);
    return;
  }
  parser_->body_limit(limit);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
}

void HttpSession::OnRead(error_code ec, size_t) {
  if (ec && deadline_.expired()) {
    ec = beast::error::timeout;
  }
  // A TLS client may close without close_notify between requests, as it may over TCP.
  if (ec == http::error::end_of_stream || ec == net::ssl::error::stream_truncated) {
    Close();
    return;
  }
  if (ec) {
    if (ec != beast::error::timeout && ec != net::error::operation_aborted) {
      // A malformed request: answer 400 (413 for a body, 431 for a header too large) when we
      // still can, then close.
      RequestTraits traits;
      traits.keep_alive = false;
      const http::status status =
          ec == http::error::body_limit     ? http::status::payload_too_large
          : ec == http::error::header_limit ? http::status::request_header_fields_too_large
                                            : http::status::bad_request;
      Send(HttpResponse::Build(traits, status, "Bad request: " + ec.message(),
                               ResponseStyle::Malformed()));
      return;
    }
    Close();
    return;
  }
  Dispatch(parser_->release());
}

void HttpSession::BeginRequest(const Request& request) {
  traits_ = RequestTraits::Of(request, context_.config.cors);
  if (!context_.trusted_proxies.empty()) {
    std::string forwarded_for;
    auto [it, end] = request.equal_range("X-Forwarded-For");
    for (; it != end; ++it) {
      if (!forwarded_for.empty()) forwarded_for += ',';
      forwarded_for.append(it->value().data(), it->value().size());
    }
    client_address_ = context_.trusted_proxies.ClientAddress(peer_address_, forwarded_for);
  }
}

void HttpSession::Dispatch(Request request) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), "an HTTP session is served on its worker's thread");
  BeginRequest(request);
  const RequestRoute route = RequestRouter::Route(
      [this](std::string_view path) { return FindHub(path); }, request.method(),
      std::string_view(request.target().data(), request.target().size()),
      websocket::is_upgrade(request));
  switch (route.kind) {
    case RouteKind::kBadTarget:
      Answer({http::status::bad_request, "Bad request target"});
      return;
    case RouteKind::kPreflight:
      AnswerPreflight(request);
      return;
    case RouteKind::kWebSocket:
      if (!AllowConnectAttempt()) return;
      if (LocateInCluster(request, *route.hub, route.url)) return;
      WebSocketConnect::Handle(*this, std::move(request), *route.hub, route.url);
      return;
    case RouteKind::kTransport:
      if (LocateInCluster(request, *route.hub, route.url)) return;
      TransportRequests::Handle(*this, std::move(request), *route.hub, route.url);
      return;
    case RouteKind::kTransportMethodNotAllowed:
      Answer({http::status::method_not_allowed, ""});
      return;
    case RouteKind::kNegotiate:
      if (!AllowConnectAttempt()) return;
      Answer(NegotiateHandler::Handle(context_, request, *route.hub, route.url, client_address_));
      return;
    case RouteKind::kNegotiateMethodNotAllowed:
      Answer({http::status::method_not_allowed, "Negotiate requires POST."});
      return;
    case RouteKind::kStaticFile:
      Answer(StaticFileHandler::Handle(context_.static_files, route.url.path()));
      return;
    case RouteKind::kNotFound:
      Answer({http::status::not_found, "Not found"});
      return;
  }
}

bool HttpSession::LocateInCluster(Request& request, const hubcore::HubOptions& hub,
                                  const boost::urls::url_view& url) {
  if (std::exchange(located_, false)) {
    return false;  // located already: served here
  }
  return ClusterConnectionLocator::Start(
      *this, request, hub, url,
      [](HttpSession& session, Request request, ClusterConnectionLocator::Verdict verdict) {
        if (verdict.forward) {
          ReplicaForwarder::Start(session.TakeStream(), std::move(verdict.address),
                                  std::move(request));
          return;
        }
        session.located_ = true;
        session.Dispatch(std::move(request));
      });
}

void HttpSession::AnswerPreflight(const Request& request) {
  if (!context_.config.cors.enabled()) {
    // As an ASP.NET Core app without CORS: the hub endpoints know no OPTIONS.
    Answer({http::status::method_not_allowed, ""});
    return;
  }
  Cors::Headers headers;
  if (!traits_.cors_origin.empty()) {
    auto header = [&](http::field field) {
      auto it = request.find(field);
      return it == request.end() ? std::string_view()
                                 : std::string_view(it->value().data(), it->value().size());
    };
    headers = Cors::PreflightHeaders(context_.config.cors, traits_.cors_origin,
                                     header(http::field::access_control_request_method),
                                     header(http::field::access_control_request_headers));
  } else {
    headers.emplace_back("Vary", "Origin");
  }
  Send(HttpResponse::Build(traits_, http::status::no_content, "", ResponseStyle::Preflight(),
                           headers));
}

void HttpSession::Answer(TextAnswer answer) {
  Send(HttpResponse::Build(traits_, answer.status, std::move(answer.body),
                           ResponseStyle::Text(answer.content_type)));
}

ClientStream HttpSession::TakeStream() {
  deadline_.Never();
  return std::move(stream_);
}

void HttpSession::HandOff(Worker& owner, absl::AnyInvocable<void(HttpSession&) &&> then) {
  std::string read_ahead = beast::buffers_to_string(buffer_.data());
  GatewayContext& context = context_;
  MoveStreamTo(
      TakeStream(), owner,
      [&owner, &context, connect_rate = connect_rate_, read_ahead = std::move(read_ahead),
       then = std::move(then)](ClientStream moved) mutable {
        auto session =
            std::make_shared<HttpSession>(std::move(moved), owner, context, connect_rate);
        if (!read_ahead.empty()) {
          auto buffer = session->buffer_.prepare(read_ahead.size());
          std::memcpy(buffer.data(), read_ahead.data(), read_ahead.size());
          session->buffer_.commit(read_ahead.size());
        }
        std::move(then)(*session);
      },
      [] {});
}

void HttpSession::Respond(http::status status, std::string body) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), "a poll or send is answered on its worker's thread");
  holding_poll_ = false;
  Send(HttpResponse::Build(traits_, status, std::move(body), ResponseStyle::Transport()));
}

void HttpSession::RespondWithFrames(std::vector<hubcore::FrameConstSharedPtr> frames) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), "a poll is answered on its worker's thread");
  holding_poll_ = false;
  size_t length = 0;
  for (const auto& frame : frames) {
    length += frame->size();
  }
  std::ostringstream header;
  header << HttpResponse::BuildHead(traits_, http::status::ok, ResponseStyle::Frames(), length)
                .base();
  head_ = header.str();
  frames_ = std::move(frames);
  write_buffers_.clear();
  write_buffers_.emplace_back(head_.data(), head_.size());
  for (const auto& frame : frames_) {
    write_buffers_.emplace_back(frame->data(), frame->size());
  }
  writing_ = true;
  deadline_.ExpireAfter(RequestLimits::kSendTimeout, weak_from_this());
  net::async_write(stream_, write_buffers_,
                   beast::bind_front_handler(&HttpSession::OnWrite, shared_from_this(),
                                             traits_.keep_alive));
}

void HttpSession::HoldForPoll() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), "a poll is held on its worker's thread");
  holding_poll_ = true;
  deadline_.Never();
  WatchRead();
}

void HttpSession::WatchRead() {
  watching_ = true;
  stream_.async_read_some(buffer_.prepare(1024),
                          beast::bind_front_handler(&HttpSession::OnWatchRead,
                                                    shared_from_this()));
}

void HttpSession::OnWatchRead(error_code ec, size_t bytes) {
  watching_ = false;
  if (!ec) {
    buffer_.commit(bytes);
  }
  if (holding_poll_) {
    if (ec || buffer_.size() > RequestLimits::kMaxRequestHeader) {
      return;  // the client went away (or misbehaves): this session, and its poll, end
    }
    WatchRead();  // a pipelined request waits in the buffer until the poll is answered
    return;
  }
  // The poll was answered; OnWrite cancelled this read, or the next request arrived.
  if (ec && ec != net::error::operation_aborted) {
    return;
  }
  if (!writing_) {
    DoRead();
  }
}

void HttpSession::Send(HttpResponse::Full response) {
  auto shared = std::make_shared<HttpResponse::Full>(std::move(response));
  response_ = shared;
  const bool keep_alive = shared->keep_alive();
  writing_ = true;
  deadline_.ExpireAfter(RequestLimits::kSendTimeout, weak_from_this());
  http::async_write(stream_, *shared,
                    beast::bind_front_handler(&HttpSession::OnWrite, shared_from_this(),
                                              keep_alive));
}

void HttpSession::OnWrite(bool keep_alive, error_code ec, size_t) {
  writing_ = false;
  deadline_.Never();
  response_.reset();
  frames_.clear();
  write_buffers_.clear();
  if (ec || !keep_alive) {
    Close();
    return;
  }
  if (watching_) {
    // The read watching a held poll must make way for the next request's read.
    error_code ignored;
    stream_.socket().cancel(ignored);
    return;
  }
  DoRead();
}

void HttpSession::Close() {
  error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace hubgate::gateway
