#include "gateway/http/negotiate.h"

#include "gateway/http/connection_token.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "boost/json.hpp"
#include "hubcore/connection_id.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::gateway {

namespace {
constexpr int kServerNegotiateVersion = 1;

boost::json::array AvailableTransports(const hubcore::HubOptions& hub) {
  boost::json::array transports;
  if ((hub.transports & hubcore::kTransportWebSockets) != 0) {
    transports.push_back(boost::json::object{
        {"transport", "WebSockets"}, {"transferFormats", boost::json::array{"Text", "Binary"}}});
  }
  if ((hub.transports & hubcore::kTransportServerSentEvents) != 0) {
    transports.push_back(boost::json::object{{"transport", "ServerSentEvents"},
                                             {"transferFormats", boost::json::array{"Text"}}});
  }
  if ((hub.transports & hubcore::kTransportLongPolling) != 0) {
    transports.push_back(boost::json::object{
        {"transport", "LongPolling"}, {"transferFormats", boost::json::array{"Text", "Binary"}}});
  }
  return transports;
}
}  // namespace

std::string Negotiate::Redirect(const hubcore::HubOptions& hub,
                                std::optional<std::string_view> caller_token) {
  boost::json::object body;
  body["url"] = hub.negotiate_redirect_url;
  if (!hub.negotiate_redirect_access_token.empty()) {
    body["accessToken"] = hub.negotiate_redirect_access_token;
  } else if (caller_token.has_value() && !caller_token->empty()) {
    body["accessToken"] = boost::json::string_view(caller_token->data(), caller_token->size());
  }
  return boost::json::serialize(body);
}

std::string Negotiate::TransportsJson(const hubcore::HubOptions& hub) {
  return boost::json::serialize(AvailableTransports(hub));
}

absl::StatusOr<std::string> Negotiate::Handle(const hubcore::HubOptions& hub,
                                              std::optional<std::string_view> version_param,
                                              uint32_t worker, ConnectionRegistry& registry,
                                              std::chrono::steady_clock::time_point now,
                                              bool stateful_requested, Caller caller,
                                              const ConnectionTokenSigner* signer) {
  int requested = 0;
  if (version_param.has_value() && !absl::SimpleAtoi(AsAbsl(*version_param), &requested)) {
    boost::json::object error;
    error["error"] =
        absl::StrCat("The client requested an invalid protocol version '", AsAbsl(*version_param), "'");
    return boost::json::serialize(error);
  }
  const int version = std::min(std::max(requested, 0), kServerNegotiateVersion);

  const std::string connection_id = hubcore::ConnectionId::Make(worker, RandomBytes16());
  const bool stateful = stateful_requested && hub.stateful_reconnect;
  std::string token;
  if (version >= 1 && signer != nullptr) {
    // In a cluster the token is signed and nothing is held here: whichever replica the
    // transport lands on checks it and holds the connection (docs/scale-out.md).
    token = signer->Issue(connection_id, hub.name, caller.user_id,
                          std::chrono::system_clock::now() + hub.disconnect_timeout);
  } else {
    // Version 0 clients use the connection id as the token (as .NET does for them).
    token = version >= 1 ? NewRandomToken() : connection_id;
  }
  ConnectionRegistry::Entry entry;
  entry.connection_id = connection_id;
  entry.hub = hub.name;
  entry.worker = worker;
  entry.connect_deadline = now + hub.disconnect_timeout;
  entry.stateful = stateful;
  entry.user_id = std::move(caller.user_id);
  entry.client_address = std::move(caller.client_address);
  if (token != connection_id && signer != nullptr) {
    // Signed: held nowhere until a transport claims it.
  } else if (absl::Status admitted = registry.Admit(token, std::move(entry)); !admitted.ok()) {
    return admitted;
  }

  boost::json::object body;
  body["connectionId"] = connection_id;
  if (version >= 1) {
    body["connectionToken"] = token;
  }
  body["negotiateVersion"] = version;
  body["availableTransports"] = AvailableTransports(hub);
  if (stateful) {
    body["useStatefulReconnect"] = true;
  }
  return boost::json::serialize(body);
}

}  // namespace hubgate::gateway
