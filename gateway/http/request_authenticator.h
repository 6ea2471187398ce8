#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/url/url_view.hpp"
#include "gateway/http/jwt_authenticator.h"
#include "gateway/ops/net.h"
#include "gateway/runtime/gateway_context.h"
#include "hubcore/hub_backend.h"
#include "hubcore/hub_options.h"

namespace hubgate::gateway {

// Who is calling a hub (the bearer token of a request), and the call context a new connection
// gets from its request.
class RequestAuthenticator {
 public:
  using Request = http::request<http::string_body>;

  explicit RequestAuthenticator(GatewayContext& context) : context_(context) {}

  // The principal of a valid token; nullopt for an anonymous caller the hub lets in (no token,
  // or, as ASP.NET Core, a bad one on an anonymous hub). Unauthenticated when the hub requires
  // a valid token and has none (counted in the metrics).
  absl::StatusOr<std::optional<Principal>> Authenticate(const Request& request,
                                                        const hubcore::HubOptions& hub,
                                                        const boost::urls::url_view& url) const;

  // The bearer token presented: the Authorization header first, else ?access_token=.
  static std::optional<std::string> BearerToken(const Request& request,
                                                const boost::urls::url_view& url);

  // The context of a connection on `transport`: the principal's identity, the query (less the
  // token, the connection id and the cache buster) and the hub's forwarded headers.
  static hubcore::CallContext BuildCallContext(const Request& request,
                                               const hubcore::HubOptions& hub,
                                               const boost::urls::url_view& url,
                                               std::optional<Principal> principal,
                                               std::string_view transport);

 private:
  GatewayContext& context_;
};

}  // namespace hubgate::gateway
