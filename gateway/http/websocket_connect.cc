#include "gateway/http/websocket_connect.h"

#include "gateway/http/http_response.h"
#include "gateway/http/refusal.h"
#include "gateway/http/request_authenticator.h"
#include "gateway/http/request_router.h"
#include "gateway/http/stream_hand_off.h"
#include "gateway/transports/websocket_session.h"
#include "hubcore/check.h"
#include "hubcore/connection_id.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

void WebSocketConnect::Handle(HttpSession& session, Request request,
                              const hubcore::HubOptions& hub, const boost::urls::url_view& url) {
  GatewayContext& context = session.context();
  auto principal = RequestAuthenticator(context).Authenticate(request, hub, url);
  if (!principal.ok()) {
    spdlog::info("WebSocket connect on hub {} refused: {}", hub.name,
                 std::string(principal.status().message()));
    session.Answer({http::status::unauthorized, ""});
    return;
  }
  if ((hub.transports & hubcore::kTransportWebSockets) == 0) {
    session.Answer(
        {http::status::not_found, "WebSockets transport not supported by this end point type"});
    return;
  }
  WebSocketSession::Params params;
  params.hub = &hub;
  params.backend = context.FindBackend(hub.name);
  params.context = RequestAuthenticator::BuildCallContext(request, hub, url,
                                                          std::move(*principal), "WebSockets");
  hubcore::CallContext& call_context = params.context;
  uint32_t owner_index = session.worker().index();
  if (std::optional<std::string> token = QueryParam(url, "id")) {
    auto entry = context.registry.Claim(*token, hub.name, TransportKind::kWebSockets);
    if (!entry.ok()) {
      Refusal refusal = Refusal::Of(entry.status());
      session.Answer({refusal.status, std::move(refusal.body)});
      return;
    }
    if (entry->claimed) {
      // Stateful reconnect: the client comes back for its connection with a new WebSocket.
      Resume(session, std::move(request), *entry, call_context.user_id);
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
    ConnectionRegistry::Entry entry;
    entry.connection_id = call_context.connection_id;
    entry.hub = hub.name;
    entry.worker = owner_index;
    entry.claimed = true;
    entry.transport = TransportKind::kWebSockets;
    entry.user_id = call_context.user_id;
    if (absl::Status admitted = context.registry.Admit(params.token, std::move(entry));
        !admitted.ok()) {
      Refusal refusal = Refusal::Of(admitted);
      session.Answer({refusal.status, std::move(refusal.body)});
      return;
    }
  }

  ClientStream stream = session.TakeStream();
  Worker& owner = context.workers.at(owner_index);
  if (&owner == &session.worker()) {
    std::make_shared<WebSocketSession>(std::move(stream), owner, context, std::move(params))
        ->Run(std::move(request));
    return;
  }
  // The connection belongs to another worker: move the socket there.
  const std::string token = params.token;
  MoveStreamTo(
      std::move(stream), owner,
      [&owner, &context, params = std::move(params),
       request = std::move(request)](ClientStream moved) mutable {
        HUBGATE_CHECK(owner.IsCurrentThread(), "a WebSocket session starts on its worker");
        std::make_shared<WebSocketSession>(std::move(moved), owner, context, std::move(params))
            ->Run(std::move(request));
      },
      [&context, token] { context.registry.Remove(token); });
}

void WebSocketConnect::Resume(HttpSession& session, Request request,
                              const ConnectionRegistry::Entry& entry, std::string user_id) {
  Worker& owner = session.context().workers.at(entry.worker);
  MoveStreamTo(
      session.TakeStream(), owner,
      [&owner, websocket = entry.websocket, request = std::move(request),
       user_id = std::move(user_id)](ClientStream moved) mutable {
        HUBGATE_CHECK(owner.IsCurrentThread(), "a WebSocket session resumes on its worker");
        auto alive = websocket.lock();
        // Gone meanwhile (the reconnect window ended), or not created yet (a second socket
        // racing the first one's upgrade): 404 as for an unknown token.
        absl::Status prepared = alive == nullptr ? absl::NotFoundError(kNoConnectionWithThatId)
                                                 : alive->PrepareResume(user_id);
        if (prepared.ok()) {
          alive->Resume(std::move(moved), std::move(request));
          return;
        }
        Refusal refusal = Refusal::Of(prepared);
        RequestTraits traits;
        traits.version = request.version();
        // An upgrade is HTTP/1.1, where keep-alive adds no header: the answer has never
        // announced that the socket is dropped once it is written.
        traits.keep_alive = true;
        auto response = std::make_shared<HttpResponse::Full>(HttpResponse::Build(
            traits, refusal.status, std::move(refusal.body), ResponseStyle::ResumeRefusal()));
        auto stream = std::make_shared<ClientStream>(std::move(moved));
        http::async_write(*stream, *response, [stream, response](error_code, size_t) {});
      },
      [] {});
}

}  // namespace hubgate::gateway
