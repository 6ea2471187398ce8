#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>
#include <vector>

#include "gateway/http/request_router.h"
#include "gateway/ops/net.h"
#include "hubcore/hub_options.h"

namespace hubgate::gateway {

// How large and how slow a request may be.
class RequestLimits {
 public:
  static constexpr auto kRequestTimeout = std::chrono::seconds(30);
  static constexpr auto kSendTimeout = std::chrono::seconds(10);
  static constexpr size_t kMaxRequestBody = 64 * 1024;
  // Sends (POST ?id=) of the SSE and Long Polling transports carry whatever the client queued.
  static constexpr size_t kMaxSendBody = 1024 * 1024;
  static constexpr size_t kMaxRequestHeader = 16 * 1024;

  // The body limit of a send to `hub`: room for a batch of its largest messages.
  static size_t SendBody(const hubcore::HubOptions& hub);
  // The largest body any request may have, before its header is known.
  static size_t LargestBody(const std::vector<hubcore::HubOptions>& hubs);
  // Once the header is known: a POST to a hub path is a send; everything else is held to
  // kMaxRequestBody.
  static size_t BodyFor(HubLookup find_hub, http::verb method, std::string_view target);
};

}  // namespace hubgate::gateway
