#include "gateway/http/request_limits.h"

#include <algorithm>

#include "boost/url/parse.hpp"

namespace hubgate::gateway {

size_t RequestLimits::SendBody(const hubcore::HubOptions& hub) {
  return std::max(kMaxSendBody, 2 * hub.max_message_size);
}

size_t RequestLimits::LargestBody(const std::vector<hubcore::HubOptions>& hubs) {
  size_t limit = kMaxSendBody;
  for (const hubcore::HubOptions& hub : hubs) {
    limit = std::max(limit, SendBody(hub));
  }
  return limit;
}

size_t RequestLimits::BodyFor(HubLookup find_hub, http::verb method, std::string_view target) {
  if (method != http::verb::post) {
    return kMaxRequestBody;
  }
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) {
    return kMaxRequestBody;
  }
  const hubcore::HubOptions* hub = find_hub(parsed->path());
  return hub == nullptr ? kMaxRequestBody : SendBody(*hub);
}

}  // namespace hubgate::gateway
