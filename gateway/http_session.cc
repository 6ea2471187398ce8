#include "gateway/http_session.h"

#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "boost/url/parse.hpp"
#include "gateway/negotiate.h"
#include "gateway/websocket_session.h"
#include "hubcore/connection_id.h"
#include "hubcore/string_view_compat.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

namespace {
constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr size_t kMaxRequestBody = 64 * 1024;
constexpr size_t kMaxRequestHeader = 16 * 1024;
constexpr std::string_view kNegotiateSuffix = "/negotiate";

std::optional<std::string> QueryParam(const boost::urls::url_view& url, std::string_view key) {
  auto params = url.params();
  auto it = params.find(key);
  if (it == params.end()) {
    return std::nullopt;
  }
  return std::string((*it).value);
}
}  // namespace

HttpSession::HttpSession(tcp::socket socket, Worker& worker, GatewayContext& context)
    : stream_(std::move(socket)), worker_(worker), context_(context) {}

void HttpSession::Run() { DoRead(); }

void HttpSession::DoRead() {
  parser_.emplace();
  parser_->body_limit(kMaxRequestBody);
  parser_->header_limit(kMaxRequestHeader);
  stream_.expires_after(kRequestTimeout);
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
      // A malformed request: answer 400 when we still can, then close.
      Response response(http::status::bad_request, 11);
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

void HttpSession::Route(Request request) {
  auto parsed = boost::urls::parse_origin_form(request.target());
  if (!parsed) {
    SendText(request, http::status::bad_request, "Bad request target");
    return;
  }
  const boost::urls::url_view url = *parsed;
  const std::string path = url.path();

  if (const hubcore::HubOptions* hub = context_.FindHubByPath(path)) {
    if (websocket::is_upgrade(request)) {
      HandleWebSocket(std::move(request), *hub, url);
      return;
    }
    SendText(request, http::status::bad_request,
             "This hub endpoint accepts WebSocket connections; negotiate first.");
    return;
  }
  if (absl::EndsWithIgnoreCase(path, AsAbsl(kNegotiateSuffix))) {
    const std::string hub_path = path.substr(0, path.size() - kNegotiateSuffix.size());
    if (const hubcore::HubOptions* hub = context_.FindHubByPath(hub_path)) {
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
  Worker& owner = context_.workers.Next();
  std::string body = Negotiate::Handle(hub, QueryParam(url, "negotiateVersion"), owner.index(),
                                       context_.registry, std::chrono::steady_clock::now());
  context_.metrics.Negotiated(hub.name);
  SendText(request, http::status::ok, std::move(body), "application/json");
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
  WebSocketSession::Params params;
  params.hub = &hub;
  params.backend = context_.FindBackend(hub.name);
  hubcore::CallContext& call_context = params.context;
  call_context.hub = hub.name;
  call_context.transport = "WebSockets";
  if (principal->has_value()) {
    call_context.user_id = (*principal)->user_id;
    call_context.claims = std::move((*principal)->claims);
  }
  for (const auto& param : url.params()) {
    if (param.key != "access_token" && param.key != "id") {
      call_context.query.emplace_back(param.key, param.value);
    }
  }
  for (const std::string& name : hub.forwarded_headers) {
    auto header = request.find(name);
    if (header != request.end()) {
      call_context.headers.emplace_back(absl::AsciiStrToLower(name), std::string(header->value()));
    }
  }
  uint32_t owner_index = worker_.index();
  if (std::optional<std::string> token = QueryParam(url, "id")) {
    auto entry = context_.registry.Claim(*token, hub.name);
    if (!entry.ok()) {
      SendText(request,
               absl::IsAlreadyExists(entry.status()) ? http::status::conflict
                                                     : http::status::not_found,
               std::string(entry.status().message()));
      return;
    }
    call_context.connection_id = entry->connection_id;
    params.token = *token;
    owner_index = entry->worker;
  } else {
    // skipNegotiation: the connection is created on the spot, on this worker.
    call_context.connection_id = hubcore::ConnectionId::Make(owner_index, RandomBytes16());
    params.token = NewRandomToken();
    context_.registry.Add(params.token,
                          ConnectionRegistry::Entry{call_context.connection_id, hub.name,
                                                    owner_index, {}, /*claimed=*/true});
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
  error_code ec;
  const auto protocol = socket.local_endpoint(ec).protocol();
  const auto fd = socket.release(ec);
  if (ec) {
    spdlog::warn("could not hand a WebSocket to worker {}: {}", owner_index, ec.message());
    context_.registry.Remove(params.token);
    return;
  }
  GatewayContext& context = context_;
  owner.Post([&owner, &context, protocol, fd, params = std::move(params),
              request = std::move(request)]() mutable {
    tcp::socket moved(owner.io_context());
    error_code assign_error;
    moved.assign(protocol, fd, assign_error);
    if (assign_error) {
      ::close(fd);
      context.registry.Remove(params.token);
      return;
    }
    std::make_shared<WebSocketSession>(std::move(moved), owner, context, std::move(params))
        ->Run(std::move(request));
  });
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

void HttpSession::SendText(const Request& request, http::status status, std::string body,
                           std::string content_type) {
  Response response(status, request.version());
  response.set(http::field::server, "hubgate");
  response.set(http::field::cache_control, "no-cache");
  if (!body.empty()) {
    response.set(http::field::content_type, content_type);
  }
  response.keep_alive(request.keep_alive());
  response.body() = request.method() == http::verb::head ? "" : std::move(body);
  response.prepare_payload();
  Send(std::move(response));
}

void HttpSession::Send(Response response) {
  auto shared = std::make_shared<Response>(std::move(response));
  response_ = shared;
  const bool keep_alive = shared->keep_alive();
  http::async_write(stream_, *shared,
                    beast::bind_front_handler(&HttpSession::OnWrite, shared_from_this(),
                                              keep_alive));
}

void HttpSession::OnWrite(bool keep_alive, error_code ec, size_t) {
  response_.reset();
  if (ec || !keep_alive) {
    Close();
    return;
  }
  DoRead();
}

void HttpSession::Close() {
  error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

}  // namespace hubgate::gateway
