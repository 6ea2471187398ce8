#include "gateway/http/http_session.h"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "boost/url/parse.hpp"
#include "gateway/http/cors.h"
#include "gateway/transports/http_transport_session.h"
#include "gateway/transports/long_polling_session.h"
#include "gateway/http/negotiate.h"
#include "gateway/transports/sse_session.h"
#include "gateway/transports/websocket_session.h"
#include "hubcore/connection_id.h"
#include "hubcore/string_view_compat.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

namespace {
constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr auto kSendTimeout = std::chrono::seconds(10);
constexpr size_t kMaxRequestBody = 64 * 1024;
// Sends (POST ?id=) of the SSE and Long Polling transports carry whatever the client queued.
constexpr size_t kMaxSendBody = 1024 * 1024;
constexpr size_t kMaxRequestHeader = 16 * 1024;
constexpr std::string_view kNegotiateSuffix = "/negotiate";

// Moves `socket` to `owner`'s event loop (its descriptor is re-registered there) and runs
// `then` with it on the owner's thread; `on_failure` runs instead when it cannot be moved.
void MoveSocketTo(tcp::socket socket, Worker& owner,
                  absl::AnyInvocable<void(tcp::socket) &&> then,
                  absl::AnyInvocable<void() &&> on_failure) {
  error_code ec;
  const auto protocol = socket.local_endpoint(ec).protocol();
  const auto fd = socket.release(ec);
  if (ec) {
    spdlog::warn("could not hand a connection to worker {}: {}", owner.index(), ec.message());
    std::move(on_failure)();
    return;
  }
  owner.Post([&owner, protocol, fd, then = std::move(then),
              on_failure = std::move(on_failure)]() mutable {
    tcp::socket moved(owner.io_context());
    error_code assign_error;
    moved.assign(protocol, fd, assign_error);
    if (assign_error) {
      ::close(fd);
      std::move(on_failure)();
      return;
    }
    std::move(then)(std::move(moved));
  });
}

std::optional<std::string> QueryParam(const boost::urls::url_view& url, std::string_view key) {
  auto params = url.params();
  auto it = params.find(key);
  if (it == params.end()) {
    return std::nullopt;
  }
  return std::string((*it).value);
}

size_t SendBodyLimit(const hubcore::HubOptions& hub) {
  return std::max(kMaxSendBody, 2 * hub.max_message_size);
}

std::string_view TransportName(TransportKind kind) {
  switch (kind) {
    case TransportKind::kWebSockets:
      return "WebSockets";
    case TransportKind::kServerSentEvents:
      return "ServerSentEvents";
    case TransportKind::kLongPolling:
      return "LongPolling";
    case TransportKind::kNone:
      break;
  }
  return "None";
}

unsigned TransportBit(TransportKind kind) {
  switch (kind) {
    case TransportKind::kWebSockets:
      return hubcore::kTransportWebSockets;
    case TransportKind::kServerSentEvents:
      return hubcore::kTransportServerSentEvents;
    case TransportKind::kLongPolling:
      return hubcore::kTransportLongPolling;
    case TransportKind::kNone:
      break;
  }
  return 0;
}

// The status of a refused Claim, as .NET: unknown 404, same transport active 409, another
// transport 400.
http::status ClaimErrorStatus(const absl::Status& status) {
  if (absl::IsAlreadyExists(status)) {
    return http::status::conflict;
  }
  if (absl::IsFailedPrecondition(status)) {
    return http::status::bad_request;
  }
  return http::status::not_found;
}
}  // namespace

HttpSession::HttpSession(tcp::socket socket, Worker& worker, GatewayContext& context)
    : stream_(std::move(socket)), worker_(worker), context_(context) {}

void HttpSession::Run() { DoRead(); }

void HttpSession::DoRead() {
  parser_.emplace();
  // The largest body any request may have; requests other than sends are held to
  // kMaxRequestBody once their header is known.
  size_t body_limit = kMaxSendBody;
  for (const hubcore::HubOptions& hub : context_.config.hubs) {
    body_limit = std::max(body_limit, SendBodyLimit(hub));
  }
  parser_->body_limit(body_limit);
  parser_->header_limit(kMaxRequestHeader);
  stream_.expires_after(kRequestTimeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::OnReadHeader,
                                                    shared_from_this()));
}

void HttpSession::OnReadHeader(error_code ec, size_t bytes) {
  if (ec || parser_->is_done()) {
    OnRead(ec, bytes);
    return;
  }
  size_t limit = kMaxRequestBody;
  const auto& header = parser_->get();
  if (header.method() == http::verb::post) {
    auto parsed = boost::urls::parse_origin_form(header.target());
    if (parsed) {
      if (const hubcore::HubOptions* hub = context_.FindHubByPath(parsed->path())) {
        limit = SendBodyLimit(*hub);
      }
    }
  }
  if (parser_->content_length().value_or(0) > limit) {
    OnRead(http::error::body_limit, 0);
    return;
  }
  parser_->body_limit(limit);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::OnRead, shared_from_this()));
}

void HttpSession::OnRead(error_code ec, size_t) {
  if (ec == http::error::end_of_stream) {
    Close();
    return;
  }
  if (ec) {
    if (ec != beast::error::timeout && ec != net::error::operation_aborted) {
      // A malformed request: answer 400 (413 when too large) when we still can, then close.
      Response response(ec == http::error::body_limit ? http::status::payload_too_large
                                                      : http::status::bad_request,
                        11);
      response.set(http::field::server, "hubgate");
      response.set(http::field::content_type, "text/plain; charset=utf-8");
      response.body() = "Bad request: " + ec.message();
      response.keep_alive(false);
      response.prepare_payload();
      Send(std::move(response));
      return;
    }
    Close();
    return;
  }
  Route(parser_->release());
}

void HttpSession::BeginRequest(const Request& request) {
  version_ = request.version();
  keep_alive_ = request.keep_alive();
  cors_origin_.clear();
  if (context_.config.cors.enabled()) {
    auto origin = request.find(http::field::origin);
    if (origin != request.end()) {
      cors_origin_ = Cors::AllowedOrigin(context_.config.cors,
                                         std::string_view(origin->value().data(),
                                                          origin->value().size()))
                         .value_or("");
    }
  }
}

void HttpSession::Route(Request request) {
  BeginRequest(request);
  auto parsed = boost::urls::parse_origin_form(request.target());
  if (!parsed) {
    SendText(request, http::status::bad_request, "Bad request target");
    return;
  }
  const boost::urls::url_view url = *parsed;
  const std::string path = url.path();

  if (const hubcore::HubOptions* hub = context_.FindHubByPath(path)) {
    if (request.method() == http::verb::options) {
      HandlePreflight(request);
      return;
    }
    if (websocket::is_upgrade(request)) {
      HandleWebSocket(std::move(request), *hub, url);
      return;
    }
    HandleTransportRequest(std::move(request), *hub, url);
    return;
  }
  if (absl::EndsWithIgnoreCase(path, AsAbsl(kNegotiateSuffix))) {
    const std::string hub_path = path.substr(0, path.size() - kNegotiateSuffix.size());
    if (const hubcore::HubOptions* hub = context_.FindHubByPath(hub_path)) {
      if (request.method() == http::verb::options) {
        HandlePreflight(request);
        return;
      }
      if (request.method() != http::verb::post) {
        SendText(request, http::status::method_not_allowed, "Negotiate requires POST.");
        return;
      }
      HandleNegotiate(request, *hub, url);
      return;
    }
  }
  if (request.method() == http::verb::get || request.method() == http::verb::head) {
    HandleStatic(request, path);
    return;
  }
  SendText(request, http::status::not_found, "Not found");
}

void HttpSession::HandlePreflight(const Request& request) {
  if (!context_.config.cors.enabled()) {
    // As an ASP.NET Core app without CORS: the hub endpoints know no OPTIONS.
    SendText(request, http::status::method_not_allowed, "");
    return;
  }
  Response response(http::status::no_content, request.version());
  response.set(http::field::server, "hubgate");
  if (!cors_origin_.empty()) {
    auto header = [&](http::field field) {
      auto it = request.find(field);
      return it == request.end() ? std::string_view()
                                 : std::string_view(it->value().data(), it->value().size());
    };
    for (auto& [name, value] :
         Cors::PreflightHeaders(context_.config.cors, cors_origin_,
                                header(http::field::access_control_request_method),
                                header(http::field::access_control_request_headers))) {
      response.set(name, value);
    }
  } else {
    response.set(http::field::vary, "Origin");
  }
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  Send(std::move(response));
}

absl::StatusOr<std::optional<Principal>> HttpSession::Authenticate(
    const Request& request, const hubcore::HubOptions& hub, const boost::urls::url_view& url) {
  auto header = request.find(http::field::authorization);
  std::string header_value = header == request.end() ? "" : std::string(header->value());
  std::string query_value = QueryParam(url, "access_token").value_or("");
  std::optional<std::string> token = ExtractBearerToken(header_value, query_value);
  if (!token.has_value() || context_.authenticator == nullptr) {
    if (hub.require_auth) {
      context_.metrics.AuthFailed(hub.name, "missing_token");
      return absl::UnauthenticatedError("no bearer token");
    }
    return std::optional<Principal>();
  }
  absl::StatusOr<Principal> principal = context_.authenticator->Authenticate(*token, absl::Now());
  if (!principal.ok()) {
    if (hub.require_auth) {
      context_.metrics.AuthFailed(hub.name, "invalid_token");
      return principal.status();
    }
    // As ASP.NET Core: a bad token on an anonymous endpoint leaves the caller anonymous.
    spdlog::debug("ignoring an invalid token on anonymous hub {}: {}", hub.name,
                  std::string(principal.status().message()));
    return std::optional<Principal>();
  }
  return std::optional<Principal>(*std::move(principal));
}

void HttpSession::HandleNegotiate(const Request& request, const hubcore::HubOptions& hub,
                                  const boost::urls::url_view& url) {
  auto principal = Authenticate(request, hub, url);
  if (!principal.ok()) {
    spdlog::info("negotiate on hub {} refused: {}", hub.name,
                 std::string(principal.status().message()));
    SendText(request, http::status::unauthorized, "");
    return;
  }
  if (!hub.negotiate_redirect_url.empty()) {
    auto header = request.find(http::field::authorization);
    std::optional<std::string> caller_token = ExtractBearerToken(
        header == request.end() ? std::string_view()
                                : std::string_view(header->value().data(), header->value().size()),
        QueryParam(url, "access_token").value_or(""));
    SendText(request, http::status::ok, Negotiate::Redirect(hub, caller_token),
             "application/json");
    return;
  }
  Worker& owner = context_.workers.Next();
  std::string body = Negotiate::Handle(
      hub, QueryParam(url, "negotiateVersion"), owner.index(), context_.registry,
      std::chrono::steady_clock::now(), QueryParam(url, "useStatefulReconnect") == "true");
  context_.metrics.Negotiated(hub.name);
  SendText(request, http::status::ok, std::move(body), "application/json");
}

hubcore::CallContext HttpSession::BuildCallContext(const Request& request,
                                                   const hubcore::HubOptions& hub,
                                                   const boost::urls::url_view& url,
                                                   std::optional<Principal> principal,
                                                   std::string_view transport) {
  hubcore::CallContext call_context;
  call_context.hub = hub.name;
  call_context.transport = std::string(transport);
  if (principal.has_value()) {
    call_context.user_id = principal->user_id;
    call_context.claims = std::move(principal->claims);
  }
  for (const auto& param : url.params()) {
    if (param.key != "access_token" && param.key != "id" && param.key != "_") {
      call_context.query.emplace_back(param.key, param.value);
    }
  }
  for (const std::string& name : hub.forwarded_headers) {
    auto header = request.find(name);
    if (header != request.end()) {
      call_context.headers.emplace_back(absl::AsciiStrToLower(name), std::string(header->value()));
    }
  }
  return call_context;
}

void HttpSession::HandleWebSocket(Request request, const hubcore::HubOptions& hub,
                                  const boost::urls::url_view& url) {
  auto principal = Authenticate(request, hub, url);
  if (!principal.ok()) {
    spdlog::info("WebSocket connect on hub {} refused: {}", hub.name,
                 std::string(principal.status().message()));
    SendText(request, http::status::unauthorized, "");
    return;
  }
  if ((hub.transports & hubcore::kTransportWebSockets) == 0) {
    SendText(request, http::status::not_found,
             "WebSockets transport not supported by this end point type");
    return;
  }
  WebSocketSession::Params params;
  params.hub = &hub;
  params.backend = context_.FindBackend(hub.name);
  params.context = BuildCallContext(request, hub, url, std::move(*principal), "WebSockets");
  hubcore::CallContext& call_context = params.context;
  uint32_t owner_index = worker_.index();
  if (std::optional<std::string> token = QueryParam(url, "id")) {
    auto entry = context_.registry.Claim(*token, hub.name, TransportKind::kWebSockets);
    if (!entry.ok()) {
      SendText(request, ClaimErrorStatus(entry.status()), std::string(entry.status().message()));
      return;
    }
    if (entry->claimed) {
      // Stateful reconnect: the client comes back for its connection with a new WebSocket.
      ResumeWebSocket(std::move(request), *entry, call_context.user_id);
      return;
    }
    call_context.connection_id = entry->connection_id;
    params.token = *token;
    params.stateful = entry->stateful;
    owner_index = entry->worker;
  } else {
    // skipNegotiation: the connection is created on the spot, on this worker.
    call_context.connection_id = hubcore::ConnectionId::Make(owner_index, RandomBytes16());
    params.token = NewRandomToken();
    context_.registry.Add(params.token,
                          ConnectionRegistry::Entry{call_context.connection_id, hub.name,
                                                    owner_index, {}, /*claimed=*/true,
                                                    TransportKind::kWebSockets, {}});
  }

  stream_.expires_never();
  tcp::socket socket = stream_.release_socket();
  Worker& owner = context_.workers.at(owner_index);
  if (&owner == &worker_) {
    std::make_shared<WebSocketSession>(std::move(socket), owner, context_, std::move(params))
        ->Run(std::move(request));
    return;
  }
  // The connection belongs to another worker: move the socket there.
  GatewayContext& context = context_;
  const std::string token = params.token;
  MoveSocketTo(
      std::move(socket), owner,
      [&owner, &context, params = std::move(params),
       request = std::move(request)](tcp::socket moved) mutable {
        std::make_shared<WebSocketSession>(std::move(moved), owner, context, std::move(params))
            ->Run(std::move(request));
      },
      [&context, token] { context.registry.Remove(token); });
}

void HttpSession::ResumeWebSocket(Request request, const ConnectionRegistry::Entry& entry,
                                  std::string user_id) {
  stream_.expires_never();
  Worker& owner = context_.workers.at(entry.worker);
  MoveSocketTo(
      stream_.release_socket(), owner,
      [session = entry.websocket, request = std::move(request),
       user_id = std::move(user_id)](tcp::socket moved) mutable {
        auto alive = session.lock();
        // Gone meanwhile (the reconnect window ended), or not created yet (a second socket
        // racing the first one's upgrade): 404 as for an unknown token.
        absl::Status prepared = alive == nullptr ? absl::NotFoundError(kNoConnectionWithThatId)
                                                 : alive->PrepareResume(user_id);
        if (prepared.ok()) {
          alive->Resume(std::move(moved), std::move(request));
          return;
        }
        http::status refusal = absl::IsNotFound(prepared)           ? http::status::not_found
                               : absl::IsPermissionDenied(prepared) ? http::status::unauthorized
                                                                    : http::status::conflict;
        auto response =
            std::make_shared<http::response<http::string_body>>(refusal, request.version());
        response->set(http::field::server, "hubgate");
        if (refusal != http::status::unauthorized) {
          response->body() = std::string(prepared.message());
        }
        response->prepare_payload();
        auto stream = std::make_shared<tcp::socket>(std::move(moved));
        http::async_write(*stream, *response, [stream, response](error_code, size_t) {});
      },
      [] {});
}

void HttpSession::HandleTransportRequest(Request request, const hubcore::HubOptions& hub,
                                         const boost::urls::url_view& url) {
  const http::verb method = request.method();
  if (method != http::verb::get && method != http::verb::post && method != http::verb::delete_) {
    SendText(request, http::status::method_not_allowed, "");
    return;
  }
  std::optional<std::string> token = QueryParam(url, "id");
  if (!token.has_value() || token->empty()) {
    SendText(request, http::status::bad_request, "Connection ID required");
    return;
  }
  auto principal = Authenticate(request, hub, url);
  if (!principal.ok()) {
    spdlog::info("{} on hub {} refused: {}", std::string(http::to_string(method)), hub.name,
                 std::string(principal.status().message()));
    SendText(request, http::status::unauthorized, "");
    return;
  }
  auto entry = context_.registry.Find(*token, hub.name);
  if (!entry.ok()) {
    SendText(request, http::status::not_found, std::string(kNoConnectionWithThatId));
    return;
  }
  if (entry->worker == worker_.index()) {
    ServeTransportRequest(std::move(request), hub, std::move(*principal));
    return;
  }
  HandOff(context_.workers.at(entry->worker),
          [request = std::move(request), &hub,
           principal = std::move(*principal)](HttpSession& session) mutable {
            session.ServeTransportRequest(std::move(request), hub, std::move(principal));
          });
}

void HttpSession::ServeTransportRequest(Request request, const hubcore::HubOptions& hub,
                                        std::optional<Principal> principal) {
  BeginRequest(request);
  auto parsed = boost::urls::parse_origin_form(request.target());
  if (!parsed) {
    SendText(request, http::status::bad_request, "Bad request target");
    return;
  }
  const boost::urls::url_view url = *parsed;
  const std::string token = QueryParam(url, "id").value_or("");

  if (request.method() == http::verb::post || request.method() == http::verb::delete_) {
    auto entry = context_.registry.Find(token, hub.name);
    if (!entry.ok()) {
      SendText(request, http::status::not_found, std::string(kNoConnectionWithThatId));
      return;
    }
    if (request.method() == http::verb::post &&
        entry->transport == TransportKind::kWebSockets) {
      SendText(request, http::status::method_not_allowed,
               "POST requests are not allowed for WebSocket connections.");
      return;
    }
    if (request.method() == http::verb::delete_ &&
        entry->transport != TransportKind::kLongPolling) {
      SendText(request, http::status::bad_request,
               "Cannot terminate this connection using the DELETE endpoint.");
      return;
    }
    std::shared_ptr<HttpTransportSession> session = entry->session.lock();
    if (session == nullptr) {
      SendText(request, http::status::not_found, std::string(kNoConnectionWithThatId));
      return;
    }
    if (request.method() == http::verb::delete_) {
      session->OnDelete();
      Respond(http::status::accepted);
      return;
    }
    session->OnSend(std::move(request.body()), shared_from_this());
    return;
  }

  // GET: Server-Sent Events (Accept: text/event-stream) or a long poll.
  auto accept = request.find(http::field::accept);
  const bool sse = accept != request.end() &&
                   absl::AsciiStrToLower(AsAbsl(std::string_view(accept->value().data(),
                                                                 accept->value().size())))
                           .find("text/event-stream") != std::string::npos;
  const TransportKind kind = sse ? TransportKind::kServerSentEvents : TransportKind::kLongPolling;
  if ((hub.transports & TransportBit(kind)) == 0) {
    SendText(request, http::status::not_found,
             absl::StrCat(AsAbsl(TransportName(kind)),
                          " transport not supported by this end point type"));
    return;
  }
  auto claim = context_.registry.Claim(token, hub.name, kind);
  if (!claim.ok()) {
    SendText(request, ClaimErrorStatus(claim.status()), std::string(claim.status().message()));
    return;
  }
  if (sse) {
    StartServerSentEvents(request, hub, url, std::move(principal), token, claim->connection_id);
    return;
  }
  if (!claim->claimed) {
    StartLongPolling(request, hub, url, std::move(principal), token, claim->connection_id);
    return;
  }
  std::shared_ptr<HttpTransportSession> session = claim->session.lock();
  if (session == nullptr) {
    SendText(request, http::status::not_found, std::string(kNoConnectionWithThatId));
    return;
  }
  session->OnPoll(shared_from_this());
}

void HttpSession::StartServerSentEvents(const Request& request, const hubcore::HubOptions& hub,
                                        const boost::urls::url_view& url,
                                        std::optional<Principal> principal,
                                        const std::string& token,
                                        const std::string& connection_id) {
  HttpTransportSession::Params params;
  params.hub = &hub;
  params.backend = context_.FindBackend(hub.name);
  params.context = BuildCallContext(request, hub, url, std::move(principal), "ServerSentEvents");
  params.context.connection_id = connection_id;
  params.token = token;
  if (!cors_origin_.empty()) {
    params.response_headers = Cors::ResponseHeaders(cors_origin_);
  }
  stream_.expires_never();
  auto session = std::make_shared<SseSession>(stream_.release_socket(), worker_, context_,
                                              std::move(params), version_);
  context_.registry.AttachSession(token, session);
  session->Run();
}

void HttpSession::StartLongPolling(const Request& request, const hubcore::HubOptions& hub,
                                   const boost::urls::url_view& url,
                                   std::optional<Principal> principal, const std::string& token,
                                   const std::string& connection_id) {
  HttpTransportSession::Params params;
  params.hub = &hub;
  params.backend = context_.FindBackend(hub.name);
  params.context = BuildCallContext(request, hub, url, std::move(principal), "LongPolling");
  params.context.connection_id = connection_id;
  params.token = token;
  if (!cors_origin_.empty()) {
    params.response_headers = Cors::ResponseHeaders(cors_origin_);
  }
  auto session = std::make_shared<LongPollingSession>(worker_, context_, std::move(params));
  context_.registry.AttachSession(token, session);
  session->Start();
  Respond(http::status::ok);  // the first poll returns at once: the connection has started
}

void HttpSession::HandOff(Worker& owner, absl::AnyInvocable<void(HttpSession&) &&> then) {
  stream_.expires_never();
  std::string read_ahead = beast::buffers_to_string(buffer_.data());
  GatewayContext& context = context_;
  MoveSocketTo(
      stream_.release_socket(), owner,
      [&owner, &context, read_ahead = std::move(read_ahead),
       then = std::move(then)](tcp::socket moved) mutable {
        auto session = std::make_shared<HttpSession>(std::move(moved), owner, context);
        if (!read_ahead.empty()) {
          auto buffer = session->buffer_.prepare(read_ahead.size());
          std::memcpy(buffer.data(), read_ahead.data(), read_ahead.size());
          session->buffer_.commit(read_ahead.size());
        }
        std::move(then)(*session);
      },
      [] {});
}

void HttpSession::HandleStatic(const Request& request, const std::string& path) {
  if (context_.static_files == nullptr) {
    SendText(request, http::status::not_found, "Not found");
    return;
  }
  auto file = context_.static_files->Get(path);
  if (!file) {
    SendText(request, http::status::not_found, "Not found");
    return;
  }
  SendText(request, http::status::ok, std::move(file->content), file->content_type);
}

void HttpSession::AddCorsHeaders(http::fields& fields) const {
  if (cors_origin_.empty()) {
    return;
  }
  for (auto& [name, value] : Cors::ResponseHeaders(cors_origin_)) {
    fields.set(name, value);
  }
}

void HttpSession::SendText(const Request& request, http::status status, std::string body,
                           std::string content_type) {
  Response response(status, request.version());
  response.set(http::field::server, "hubgate");
  response.set(http::field::cache_control, "no-cache");
  if (!body.empty()) {
    response.set(http::field::content_type, content_type);
  }
  AddCorsHeaders(response);
  response.keep_alive(request.keep_alive());
  response.body() = request.method() == http::verb::head ? "" : std::move(body);
  response.prepare_payload();
  Send(std::move(response));
}

void HttpSession::Respond(http::status status, std::string body) {
  holding_poll_ = false;
  Response response(status, version_);
  response.set(http::field::server, "hubgate");
  response.set(http::field::cache_control, "no-cache, no-store");
  response.set(http::field::content_type, "text/plain");
  AddCorsHeaders(response);
  response.keep_alive(keep_alive_);
  if (status != http::status::no_content) {
    response.body() = std::move(body);
  }
  response.prepare_payload();
  Send(std::move(response));
}

void HttpSession::RespondWithFrames(std::vector<hubcore::FrameConstSharedPtr> frames) {
  holding_poll_ = false;
  http::response<http::empty_body> response(http::status::ok, version_);
  response.set(http::field::server, "hubgate");
  response.set(http::field::cache_control, "no-cache, no-store");
  response.set(http::field::content_type, "application/octet-stream");
  AddCorsHeaders(response);
  response.keep_alive(keep_alive_);
  size_t length = 0;
  for (const auto& frame : frames) {
    length += frame->size();
  }
  response.content_length(length);
  std::ostringstream header;
  header << response.base();
  head_ = header.str();
  frames_ = std::move(frames);
  write_buffers_.clear();
  write_buffers_.emplace_back(head_.data(), head_.size());
  for (const auto& frame : frames_) {
    write_buffers_.emplace_back(frame->data(), frame->size());
  }
  writing_ = true;
  stream_.expires_after(kSendTimeout);
  net::async_write(stream_, write_buffers_,
                   beast::bind_front_handler(&HttpSession::OnWrite, shared_from_this(),
                                             keep_alive_));
}

void HttpSession::HoldForPoll() {
  holding_poll_ = true;
  stream_.expires_never();
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
    if (ec || buffer_.size() > kMaxRequestHeader) {
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

void HttpSession::Send(Response response) {
  auto shared = std::make_shared<Response>(std::move(response));
  response_ = shared;
  const bool keep_alive = shared->keep_alive();
  writing_ = true;
  stream_.expires_after(kSendTimeout);
  http::async_write(stream_, *shared,
                    beast::bind_front_handler(&HttpSession::OnWrite, shared_from_this(),
                                              keep_alive));
}

void HttpSession::OnWrite(bool keep_alive, error_code ec, size_t) {
  writing_ = false;
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
