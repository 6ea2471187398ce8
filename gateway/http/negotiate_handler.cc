#include "gateway/http/negotiate_handler.h"

#include <chrono>

#include "gateway/http/negotiate.h"
#include "gateway/http/refusal.h"
#include "gateway/http/request_authenticator.h"
#include "gateway/http/request_router.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

namespace {
constexpr std::string_view kJson = "application/json";
}  // namespace

TextAnswer NegotiateHandler::Handle(GatewayContext& context,
                                    const http::request<http::string_body>& request,
                                    const hubcore::HubOptions& hub,
                                    const boost::urls::url_view& url,
                                    const std::string& client_address) {
  auto principal = RequestAuthenticator(context).Authenticate(request, hub, url);
  if (!principal.ok()) {
    spdlog::info("negotiate on hub {} refused: {}", hub.name,
                 std::string(principal.status().message()));
    return {http::status::unauthorized, ""};
  }
  if (!hub.negotiate_redirect_url.empty()) {
    return {http::status::ok,
            Negotiate::Redirect(hub, RequestAuthenticator::BearerToken(request, url)),
            std::string(kJson)};
  }
  Worker& owner = context.workers.Next();
  Negotiate::Caller caller{*principal ? (*principal)->user_id : "", client_address};
  auto body = Negotiate::Handle(
      hub, QueryParam(url, "negotiateVersion"), owner.index(), context.registry,
      std::chrono::steady_clock::now(), QueryParam(url, "useStatefulReconnect") == "true",
      std::move(caller), context.token_signer);
  if (!body.ok()) {
    spdlog::info("negotiate on hub {} refused: {}", hub.name, std::string(body.status().message()));
    Refusal refusal = Refusal::Of(body.status());
    return {refusal.status, std::move(refusal.body)};
  }
  context.metrics.Negotiated(hub.name);
  return {http::status::ok, *std::move(body), std::string(kJson)};
}

}  // namespace hubgate::gateway
