#pragma once

#include <string>

#include "boost/url/url_view.hpp"
#include "gateway/http/http_response.h"
#include "gateway/ops/net.h"
#include "gateway/runtime/gateway_context.h"
#include "hubcore/hub_options.h"

namespace hubgate::gateway {

// POST {hub}/negotiate as an HTTP exchange: authenticates the caller, then answers with the
// hub's redirect or a new connection (Negotiate builds the JSON), or the refusal of a limit
// (429/503 with its text; client_address is the socket peer). No I/O.
class NegotiateHandler {
 public:
  static TextAnswer Handle(GatewayContext& context, const http::request<http::string_body>& request,
                           const hubcore::HubOptions& hub, const boost::urls::url_view& url,
                           const std::string& client_address);
};

}  // namespace hubgate::gateway
