#include "hubcore/server_close.h"

#include "hubcore/hub_errors.h"

namespace hubgate::hubcore {

ServerClose ServerClose::SlowConsumer(bool detailed_errors) {
  return {.reason = "send queue overflow",
          .cause = CloseCause::kSlowConsumer,
          .error = BuildErrorText(kConnectionClosedWithError, "SlowConsumerException",
                                  "The send queue of the connection is full.", detailed_errors)};
}

ServerClose ServerClose::ProtocolError(std::string_view detail, bool detailed_errors) {
  return {.reason = std::string(detail),
          .cause = CloseCause::kProtocolError,
          .error = BuildErrorText(kConnectionClosedWithError, "InvalidDataException", detail,
                                  detailed_errors),
          .allow_reconnect = false};
}

ServerClose ServerClose::ClientTimeout() {
  return {.reason = "client timeout",
          .cause = CloseCause::kClientTimeout,
          .error = std::string(kConnectionClosedWithError)};
}

ServerClose ServerClose::AuthenticationExpired(bool detailed_errors) {
  return {.reason = "authentication expired",
          .cause = CloseCause::kAuthenticationExpired,
          .error = BuildErrorText(kConnectionClosedWithError, "AuthenticationExpiredException",
                                  "The connection's access token expired.", detailed_errors)};
}

}  // namespace hubgate::hubcore
