#include "hubcore/hub_errors.h"

#include "absl/strings/str_cat.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::hubcore {

namespace {
constexpr std::string_view kProtocolErrorPayloadKey = "hubgate.dev/hub-protocol-error";
}  // namespace

std::string ProtocolNotSupportedText(std::string_view protocol) {
  return absl::StrCat("The protocol '", AsAbsl(protocol), "' is not supported.");
}

std::string ProtocolVersionNotSupportedText(std::string_view protocol, int64_t version) {
  return absl::StrCat("The server does not support version ", version, " of the '", AsAbsl(protocol),
                      "' protocol.");
}

std::string MaximumMessageSizeExceededText(size_t max_size) {
  return absl::StrCat("The maximum message size of ", max_size,
                      "B was exceeded. The message size can be configured in AddHubOptions.");
}

std::string UnknownHubMethodText(std::string_view method) {
  return absl::StrCat("Unknown hub method '", AsAbsl(method), "'");
}

absl::Status HubProtocolError(std::string_view detail) {
  absl::Status status(absl::StatusCode::kInvalidArgument, AsAbsl(detail));
  status.SetPayload(AsAbsl(kProtocolErrorPayloadKey), absl::Cord("1"));
  return status;
}

bool IsHubProtocolError(const absl::Status& status) {
  return status.GetPayload(AsAbsl(kProtocolErrorPayloadKey)).has_value();
}

std::string BuildErrorText(std::string_view prefix, std::string_view exception_type,
                           std::string_view detail, bool detailed_errors) {
  if (!detailed_errors) {
    return std::string(prefix);
  }
  return absl::StrCat(AsAbsl(prefix), " ", AsAbsl(exception_type), ": ", AsAbsl(detail));
}

}  // namespace hubgate::hubcore
