#pragma once

#include <optional>
#include <string>

#include "boost/url/url_view.hpp"
#include "gateway/http/http_session.h"
#include "gateway/http/jwt_authenticator.h"
#include "hubcore/hub_options.h"

namespace hubgate::gateway {

// The HTTP requests of the Server-Sent Events and Long Polling transports (all carry ?id=):
// the SSE stream, Long Polling's first request and its polls, sends (POST) and DELETE. Each
// is served on the worker owning its connection, where the transport session lives.
class TransportRequests {
 public:
  using Request = HttpSession::Request;

  // A GET, POST or DELETE on a hub path (RequestRouter), on whichever worker read it: checks
  // the token and the caller, then serves the request here or hands the connection to the
  // owning worker.
  static void Handle(HttpSession& session, Request request, const hubcore::HubOptions& hub,
                     const boost::urls::url_view& url);

 private:
  // On the worker owning the connection.
  static void Serve(HttpSession& session, Request request, const hubcore::HubOptions& hub,
                    std::optional<Principal> principal);
  // `user_id`: who sends ("" when anonymous); only the connection's own user may.
  static void ServeSendOrDelete(HttpSession& session, Request request,
                                const hubcore::HubOptions& hub, const std::string& user_id,
                                const std::string& token);
  static void ServeGet(HttpSession& session, const Request& request,
                       const hubcore::HubOptions& hub, const boost::urls::url_view& url,
                       std::optional<Principal> principal, const std::string& token);
  static void StartServerSentEvents(HttpSession& session, const Request& request,
                                    const hubcore::HubOptions& hub,
                                    const boost::urls::url_view& url,
                                    std::optional<Principal> principal, const std::string& token,
                                    const std::string& connection_id);
  static void StartLongPolling(HttpSession& session, const Request& request,
                               const hubcore::HubOptions& hub, const boost::urls::url_view& url,
                               std::optional<Principal> principal, const std::string& token,
                               const std::string& connection_id);
};

}  // namespace hubgate::gateway
