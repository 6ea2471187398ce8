#pragma once

#include <string>

#include "boost/url/url_view.hpp"
#include "gateway/http/http_session.h"
#include "gateway/runtime/connection_registry.h"
#include "hubcore/hub_options.h"

namespace hubgate::gateway {

// A WebSocket upgrade on a hub path: a negotiated connection's WebSocket (?id=), a connection
// created on the spot (skipNegotiation), or a stateful-reconnect client's new WebSocket for
// its connection. The socket goes to the worker owning the connection.
class WebSocketConnect {
 public:
  using Request = HttpSession::Request;

  static void Handle(HttpSession& session, Request request, const hubcore::HubOptions& hub,
                     const boost::urls::url_view& url);

 private:
  // Stateful reconnect: the new WebSocket is handed to the session on the owning worker, or
  // refused there.
  static void Resume(HttpSession& session, Request request,
                     const ConnectionRegistry::Entry& entry, std::string user_id);
};

}  // namespace hubgate::gateway
