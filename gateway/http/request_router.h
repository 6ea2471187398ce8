#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "boost/url/url_view.hpp"
#include "gateway/ops/net.h"
#include "hubcore/hub_options.h"

namespace hubgate::gateway {

// The hub mapped at a path, or null (GatewayContext::FindHubByPath in the server).
using HubLookup = absl::FunctionRef<const hubcore::HubOptions*(std::string_view path)>;

// Which handler answers a request.
enum class RouteKind {
  kBadTarget,                  // the target is not origin-form: 400
  kPreflight,                  // OPTIONS on a hub or negotiate path
  kWebSocket,                  // an upgrade on a hub path
  kTransport,                  // GET/POST/DELETE on a hub path: SSE, Long Polling, sends, DELETE
  kTransportMethodNotAllowed,  // any other method on a hub path: 405
  kNegotiate,                  // POST {hub}/negotiate
  kNegotiateMethodNotAllowed,  // any other method there: 405 "Negotiate requires POST."
  kStaticFile,                 // GET or HEAD of any other path
  kNotFound,                   // anything else: 404
};

struct RequestRoute {
  RouteKind kind = RouteKind::kNotFound;
  const hubcore::HubOptions* hub = nullptr;  // for the hub and negotiate routes
  boost::urls::url_view url;                 // the parsed target (not for kBadTarget)
};

// Decides from method, target and headers alone which handler serves a request (no sockets).
// Hub paths match ASCII case-insensitively, as ASP.NET Core routing; so does "/negotiate".
class RequestRouter {
 public:
  // `target` must outlive the returned url view (it points into it).
  static RequestRoute Route(HubLookup find_hub, http::verb method, std::string_view target,
                            bool websocket_upgrade);
};

// A query parameter's decoded value; nullopt when absent.
std::optional<std::string> QueryParam(const boost::urls::url_view& url, std::string_view key);

}  // namespace hubgate::gateway
