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

std::string InvocationErrorPrefix(std::string_view method) {
  return absl::StrCat("An unexpected error occurred invoking '", AsAbsl(method),
                      "' on the server.");
}

std::string StreamingMethodInvokedText(std::string_view method) {
  return absl::StrCat("The client attempted to invoke the streaming '", AsAbsl(method),
                      "' method with a non-streaming invocation.");
}

std::string NonStreamingMethodStreamedText(std::string_view method) {
  return absl::StrCat("The client attempted to invoke the non-streaming '", AsAbsl(method),
                      "' method with a streaming invocation.");
}

std::string StreamCountMismatchText(size_t sent, size_t expected) {
  return absl::StrCat("Client sent ", sent, " stream(s), Hub method expects ", expected, ".");
}

std::string InvocationIdInUseText(std::string_view invocation_id) {
  return absl::StrCat("Invocation ID '", AsAbsl(invocation_id), "' is already in use.");
}

std::string ConnectionDoesNotExistText(std::string_view connection_id) {
  return absl::StrCat("Connection '", AsAbsl(connection_id), "' does not exist.");
}

std::string ConnectionDisconnectedText(std::string_view connection_id) {
  return absl::StrCat("Connection '", AsAbsl(connection_id), "' disconnected.");
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
