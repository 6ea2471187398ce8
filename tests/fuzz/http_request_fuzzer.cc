// The HTTP front door's parsing and decisions, fed raw requests: Beast's parser with the
// gateway's limits, then the router, the body limit, the query parameters a hub route reads,
// the bearer token, the CORS decisions and the client address behind trusted proxies. No
// sockets.
#include <string>

#include "boost/beast/http.hpp"
#include "fuzz_input.h"
#include "gateway/http/cors.h"
#include "gateway/http/jwt_authenticator.h"
#include "gateway/http/request_limits.h"
#include "gateway/http/request_router.h"
#include "gateway/ops/config.h"
#include "gateway/ops/trusted_proxies.h"

namespace {

namespace http = boost::beast::http;
using hubgate::gateway::RequestLimits;

const hubgate::gateway::GatewayConfig& Config() {
  static const auto* config = [] {
    auto parsed = hubgate::gateway::ParseConfigYaml(R"(cors:
  allowed_origins: ["https://app.example", "null"]
hubs:
  - name: posts
  - name: chat
    path: /hubs/Chat
)");
    HUBGATE_CHECK(parsed.ok(), "the fuzz configuration is valid");
    return new hubgate::gateway::GatewayConfig(*std::move(parsed));
  }();
  return *config;
}

const hubgate::hubcore::HubOptions* FindHub(std::string_view path) {
  for (const auto& hub : Config().hubs) {
    if (hub.path.size() == path.size() &&
        std::equal(path.begin(), path.end(), hub.path.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return &hub;
    }
  }
  return nullptr;
}

std::string_view Field(const http::request<http::string_body>& request, http::field field) {
  auto it = request.find(field);
  return it == request.end() ? std::string_view()
                             : std::string_view(it->value().data(), it->value().size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(RequestLimits::kMaxRequestHeader);
  parser.body_limit(RequestLimits::LargestBody(Config().hubs));
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) {
    return 0;
  }
  const auto& request = parser.get();
  const std::string target(request.target());
  const size_t body_limit = RequestLimits::BodyFor(FindHub, request.method(), target);
  HUBGATE_CHECK(body_limit >= RequestLimits::kMaxRequestBody, "every request may carry a body");
  const auto route = hubgate::gateway::RequestRouter::Route(
      FindHub, request.method(), target, boost::beast::websocket::is_upgrade(request));
  if (route.kind != hubgate::gateway::RouteKind::kBadTarget) {
    hubgate::gateway::QueryParam(route.url, "id");
    hubgate::gateway::QueryParam(route.url, "negotiateVersion");
    const std::string access_token =
        hubgate::gateway::QueryParam(route.url, "access_token").value_or("");
    hubgate::gateway::ExtractBearerToken(Field(request, http::field::authorization),
                                         access_token);
  }
  if (route.hub != nullptr) {
    HUBGATE_CHECK(route.kind != hubgate::gateway::RouteKind::kStaticFile &&
                      route.kind != hubgate::gateway::RouteKind::kNotFound,
                  "a hub path is never served as a file");
  }
  {
    // X-Forwarded-For from a trusted peer: the address chosen is the peer or one of the header's.
    static const auto proxies =
        hubgate::gateway::TrustedProxies::Parse({"127.0.0.0/8", "10.0.0.0/8", "fd00::/8"});
    HUBGATE_CHECK(proxies.ok(), "the fuzz proxies are valid");
    std::string forwarded_for;
    auto [it, end] = request.equal_range("X-Forwarded-For");
    for (; it != end; ++it) {
      forwarded_for.append(it->value().data(), it->value().size()).push_back(',');
    }
    const std::string client = proxies->ClientAddress("127.0.0.1", forwarded_for);
    boost::system::error_code parse_error;
    boost::asio::ip::make_address(client, parse_error);
    HUBGATE_CHECK(!parse_error, "the client address is an address");
  }
  if (auto origin = hubgate::gateway::Cors::AllowedOrigin(Config().cors,
                                                           Field(request, http::field::origin))) {
    hubgate::gateway::Cors::PreflightHeaders(
        Config().cors, *origin, Field(request, http::field::access_control_request_method),
        Field(request, http::field::access_control_request_headers));
  }
  return 0;
}
