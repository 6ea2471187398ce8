#pragma once

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace hubgate::hubcore {

// Error texts the official clients show and tests compare literally. They follow ASP.NET Core
// SignalR word for word (see docs/protocol-compatibility.md).
inline constexpr std::string_view kConnectionClosedWithError = "Connection closed with an error.";
inline constexpr std::string_view kHandshakeCanceled = "Handshake was canceled.";
inline constexpr std::string_view kInvocationRateLimitExceeded = "Invocation rate limit exceeded.";
inline constexpr std::string_view kHandshakeUnexpectedError =
    "An unexpected error occurred during connection handshake.";

// "The protocol 'X' is not supported."
std::string ProtocolNotSupportedText(std::string_view protocol);
// "The server does not support version N of the 'X' protocol."
std::string ProtocolVersionNotSupportedText(std::string_view protocol, int64_t version);
// "The maximum message size of NB was exceeded. The message size can be configured in AddHubOptions."
std::string MaximumMessageSizeExceededText(size_t max_size);
// "Unknown hub method 'X'"
std::string UnknownHubMethodText(std::string_view method);
// "An unexpected error occurred invoking 'X' on the server."
std::string InvocationErrorPrefix(std::string_view method);
inline constexpr std::string_view kStreamErrorPrefix =
    "An error occurred on the server while streaming results.";
// "The client attempted to invoke the streaming 'X' method with a non-streaming invocation."
std::string StreamingMethodInvokedText(std::string_view method);
// "The client attempted to invoke the non-streaming 'X' method with a streaming invocation."
std::string NonStreamingMethodStreamedText(std::string_view method);
// "Client sent N stream(s), Hub method expects M."
std::string StreamCountMismatchText(size_t sent, size_t expected);
// "Invocation ID 'x' is already in use."
std::string InvocationIdInUseText(std::string_view invocation_id);
// Client results: "Connection 'x' does not exist." / "Connection 'x' disconnected."
std::string ConnectionDoesNotExistText(std::string_view connection_id);
std::string ConnectionDisconnectedText(std::string_view connection_id);

// A malformed message from a peer (.NET throws InvalidDataException for these). The status
// message is the detail; the connection is closed with kConnectionClosedWithError.
absl::Status HubProtocolError(std::string_view detail);
bool IsHubProtocolError(const absl::Status& status);

// .NET's ErrorMessageHelper: "<prefix> <ExceptionType>: <detail>" when detailed errors are on,
// otherwise just "<prefix>".
std::string BuildErrorText(std::string_view prefix, std::string_view exception_type,
                           std::string_view detail, bool detailed_errors);

}  // namespace hubgate::hubcore
