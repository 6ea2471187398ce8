#include "gateway/http/transport_requests.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "boost/url/parse.hpp"
#include "gateway/http/refusal.h"
#include "gateway/http/request_authenticator.h"
#include "gateway/http/request_router.h"
#include "gateway/transports/http_transport_session.h"
#include "gateway/transports/long_polling_session.h"
#include "gateway/transports/sse_session.h"
#include "hubcore/check.h"
#include "hubcore/string_view_compat.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

namespace {

// The user a request acts as ("" when anonymous).
std::string UserOf(const std::optional<Principal>& principal) {
  return principal.has_value() ? principal->user_id : std::string();
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

TextAnswer NoConnection() { return {http::status::not_found, kNoConnectionWithThatId}; }

HttpTransportSession::Params SessionParams(HttpSession& session,
                                           const HttpSession::Request& request,
                                           const hubcore::HubOptions& hub,
                                           const boost::urls::url_view& url,
                                           std::optional<Principal> principal,
                                           std::string_view transport, const std::string& token,
                                           const std::string& connection_id) {
  HttpTransportSession::Params params;
  params.hub = &hub;
  params.backend = session.context().FindBackend(hub.name);
  params.context = RequestAuthenticator::BuildCallContext(request, hub, url,
                                                          std::move(principal), transport);
  params.context.connection_id = connection_id;
  params.token = token;
  if (!session.traits().cors_origin.empty()) {
    params.response_headers = Cors::ResponseHeaders(session.traits().cors_origin);
  }
  return params;
}

}  // namespace

void TransportRequests::Handle(HttpSession& session, Request request,
                               const hubcore::HubOptions& hub, const boost::urls::url_view& url) {
  std::optional<std::string> token = QueryParam(url, "id");
  if (!token.has_value() || token->empty()) {
    session.Answer({http::status::bad_request, "Connection ID required"});
    return;
  }
  GatewayContext& context = session.context();
  auto principal = RequestAuthenticator(context).Authenticate(request, hub, url);
  if (!principal.ok()) {
    spdlog::info("{} on hub {} refused: {}", std::string(http::to_string(request.method())),
                 hub.name, std::string(principal.status().message()));
    session.Answer({http::status::unauthorized, ""});
    return;
  }
  auto entry = context.registry.Find(*token, hub.name);
  if (!entry.ok()) {
    session.Answer(NoConnection());
    return;
  }
  if (entry->worker == session.worker().index()) {
    Serve(session, std::move(request), hub, std::move(*principal));
    return;
  }
  session.HandOff(context.workers.at(entry->worker),
                  [request = std::move(request), &hub,
                   principal = std::move(*principal)](HttpSession& owner_session) mutable {
                    Serve(owner_session, std::move(request), hub, std::move(principal));
                  });
}

void TransportRequests::Serve(HttpSession& session, Request request,
                              const hubcore::HubOptions& hub,
                              std::optional<Principal> principal) {
  HUBGATE_CHECK(session.worker().IsCurrentThread(),
                "transport requests are served on the worker owning the connection");
  session.BeginRequest(request);
  auto parsed = boost::urls::parse_origin_form(request.target());
  if (!parsed) {
    session.Answer({http::status::bad_request, "Bad request target"});
    return;
  }
  const boost::urls::url_view url = *parsed;
  const std::string token = QueryParam(url, "id").value_or("");
  if (request.method() == http::verb::post || request.method() == http::verb::delete_) {
    ServeSendOrDelete(session, std::move(request), hub, UserOf(principal), token);
    return;
  }
  ServeGet(session, request, hub, url, std::move(principal), token);
}

void TransportRequests::ServeSendOrDelete(HttpSession& session, Request request,
                                          const hubcore::HubOptions& hub,
                                          const std::string& user_id, const std::string& token) {
  auto entry = session.context().registry.Find(token, hub.name);
  if (!entry.ok()) {
    session.Answer(NoConnection());
    return;
  }
  const bool is_delete = request.method() == http::verb::delete_;
  if (!is_delete && entry->transport == TransportKind::kWebSockets) {
    session.Answer({http::status::method_not_allowed,
                    "POST requests are not allowed for WebSocket connections."});
    return;
  }
  if (is_delete && entry->transport != TransportKind::kLongPolling) {
    session.Answer({http::status::bad_request,
                    "Cannot terminate this connection using the DELETE endpoint."});
    return;
  }
  std::shared_ptr<HttpTransportSession> transport = entry->session.lock();
  if (transport == nullptr) {
    session.Answer(NoConnection());
    return;
  }
  if (!transport->BelongsTo(user_id)) {
    session.Answer({http::status::forbidden, ""});
    return;
  }
  if (is_delete) {
    transport->OnDelete();
    session.Respond(http::status::accepted);
    return;
  }
  transport->OnSend(std::move(request.body()), session.shared_from_this());
}

void TransportRequests::ServeGet(HttpSession& session, const Request& request,
                                 const hubcore::HubOptions& hub, const boost::urls::url_view& url,
                                 std::optional<Principal> principal, const std::string& token) {
  // Server-Sent Events (Accept: text/event-stream) or a long poll.
  auto accept = request.find(http::field::accept);
  const bool sse = accept != request.end() &&
                   absl::AsciiStrToLower(AsAbsl(std::string_view(accept->value().data(),
                                                                 accept->value().size())))
                           .find("text/event-stream") != std::string::npos;
  const TransportKind kind = sse ? TransportKind::kServerSentEvents : TransportKind::kLongPolling;
  if ((hub.transports & TransportBit(kind)) == 0) {
    session.Answer({http::status::not_found,
                    absl::StrCat(AsAbsl(TransportName(kind)),
                                 " transport not supported by this end point type")});
    return;
  }
  auto claim = session.context().registry.Claim(token, hub.name, kind);
  if (!claim.ok()) {
    Refusal refusal = Refusal::Of(claim.status());
    session.Answer({refusal.status, std::move(refusal.body)});
    return;
  }
  if (sse) {
    StartServerSentEvents(session, request, hub, url, std::move(principal), token,
                          claim->connection_id);
    return;
  }
  if (!claim->claimed) {
    StartLongPolling(session, request, hub, url, std::move(principal), token,
                     claim->connection_id);
    return;
  }
  std::shared_ptr<HttpTransportSession> transport = claim->session.lock();
  if (transport == nullptr) {
    session.Answer(NoConnection());
    return;
  }
  if (!transport->BelongsTo(UserOf(principal))) {
    session.Answer({http::status::forbidden, ""});
    return;
  }
  transport->OnPoll(session.shared_from_this());
}

void TransportRequests::StartServerSentEvents(HttpSession& session, const Request& request,
                                              const hubcore::HubOptions& hub,
                                              const boost::urls::url_view& url,
                                              std::optional<Principal> principal,
                                              const std::string& token,
                                              const std::string& connection_id) {
  HttpTransportSession::Params params = SessionParams(
      session, request, hub, url, std::move(principal), "ServerSentEvents", token, connection_id);
  const unsigned version = session.traits().version;
  auto stream = std::make_shared<SseSession>(session.TakeStream(), session.worker(),
                                             session.context(), std::move(params), version);
  session.context().registry.AttachSession(token, stream);
  stream->Run();
}

void TransportRequests::StartLongPolling(HttpSession& session, const Request& request,
                                         const hubcore::HubOptions& hub,
                                         const boost::urls::url_view& url,
                                         std::optional<Principal> principal,
                                         const std::string& token,
                                         const std::string& connection_id) {
  HttpTransportSession::Params params = SessionParams(
      session, request, hub, url, std::move(principal), "LongPolling", token, connection_id);
  auto polling =
      std::make_shared<LongPollingSession>(session.worker(), session.context(), std::move(params));
  session.context().registry.AttachSession(token, polling);
  polling->Start();
  session.Respond(http::status::ok);  // the first poll returns at once: the connection has started
}

}  // namespace hubgate::gateway
