#pragma once

#include <functional>
#include <string_view>

namespace hubgate::services {

// Told about every refused Push API call; reason is "unauthenticated" or "permission_denied",
// operation one of hubcore::kPushApiOperationNames. The gateway counts them in
// hubgate_push_api_refusals_total.
using PushApiRefusalObserver =
    std::function<void(std::string_view reason, std::string_view operation)>;

}  // namespace hubgate::services
