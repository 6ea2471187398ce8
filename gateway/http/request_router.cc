#include "gateway/http/request_router.h"

#include "absl/strings/match.h"
#include "boost/url/parse.hpp"
#include "hubcore/string_view_compat.h"

namespace hubgate::gateway {

namespace {
constexpr std::string_view kNegotiateSuffix = "/negotiate";
}  // namespace

RequestRoute RequestRouter::Route(HubLookup find_hub, http::verb method, std::string_view target,
                                  bool websocket_upgrade) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) {
    return {RouteKind::kBadTarget, nullptr, {}};
  }
  const boost::urls::url_view url = *parsed;
  const std::string path = url.path();

  if (const hubcore::HubOptions* hub = find_hub(path)) {
    if (method == http::verb::options) {
      return {RouteKind::kPreflight, hub, url};
    }
    if (websocket_upgrade) {
      return {RouteKind::kWebSocket, hub, url};
    }
    if (method != http::verb::get && method != http::verb::post &&
        method != http::verb::delete_) {
      return {RouteKind::kTransportMethodNotAllowed, hub, url};
    }
    return {RouteKind::kTransport, hub, url};
  }
  if (absl::EndsWithIgnoreCase(path, AsAbsl(kNegotiateSuffix))) {
    const std::string hub_path = path.substr(0, path.size() - kNegotiateSuffix.size());
    if (const hubcore::HubOptions* hub = find_hub(hub_path)) {
      if (method == http::verb::options) {
        return {RouteKind::kPreflight, hub, url};
      }
      if (method != http::verb::post) {
        return {RouteKind::kNegotiateMethodNotAllowed, hub, url};
      }
      return {RouteKind::kNegotiate, hub, url};
    }
  }
  if (method == http::verb::get || method == http::verb::head) {
    return {RouteKind::kStaticFile, nullptr, url};
  }
  return {RouteKind::kNotFound, nullptr, url};
}

std::optional<std::string> QueryParam(const boost::urls::url_view& url, std::string_view key) {
  auto params = url.params();
  auto it = params.find(key);
  if (it == params.end()) {
    return std::nullopt;
  }
  return std::string((*it).value);
}

}  // namespace hubgate::gateway
