#pragma once

#include <string>

#include "absl/functional/any_invocable.h"
#include "boost/url/url_view.hpp"
#include "gateway/http/http_session.h"
#include "hubcore/hub_options.h"

namespace hubgate::gateway {

// In a cluster, a transport request (WebSocket connect, SSE GET, long poll, send, DELETE) may
// carry a connection token this replica has not seen: negotiate ran on another replica, or the
// connection lives on another one (docs/scale-out.md). The locator checks the token's
// signature, asks the cluster who holds the connection, and either admits it here (nobody
// holds it yet: this replica becomes its holder) or names the holder to forward to.
class ClusterConnectionLocator {
 public:
  using Request = HttpSession::Request;
  struct Verdict {
    bool forward = false;     // true: send the request to `address`
    std::string address;      // the holder's advertise address
  };
  using Done = absl::AnyInvocable<void(HttpSession&, Request, Verdict) &&>;

  // False when there is nothing to locate (no cluster, no token, a token held here or one
  // that is not valid: the normal path answers as on one node). True when the locator took the
  // request over: `done` then runs on the session's worker, or the locator answered a refusal.
  static bool Start(HttpSession& session, Request& request, const hubcore::HubOptions& hub,
                    const boost::urls::url_view& url, Done done);
};

}  // namespace hubgate::gateway
