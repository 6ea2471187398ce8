#include "hubcore/handshake.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "boost/json/monotonic_resource.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "hubcore/hub_errors.h"
#include "hubcore/json_hub_protocol.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::hubcore {

namespace {

namespace json = boost::json;

constexpr std::string_view kJsonProtocolName = "json";
constexpr std::string_view kMessagePackProtocolName = "messagepack";

absl::Status Unexpected() { return absl::InvalidArgumentError(AsAbsl(kHandshakeUnexpectedError)); }

}  // namespace

absl::StatusOr<HandshakeRequest> Handshake::ParseRequest(std::string_view record,
                                                         SupportedProtocols supported) {
  unsigned char buffer[1024];
  json::monotonic_resource arena(buffer, sizeof(buffer));
  boost::system::error_code ec;
  const json::value root = json::parse(record, ec, &arena);
  if (ec || !root.is_object()) {
    return Unexpected();
  }
  const json::object& object = root.get_object();

  // Both properties are required and typed, as in .NET's HandshakeProtocol; unknown ones
  // (e.g. a legacy "minorVersion") are ignored.
  const json::value* protocol_value = object.if_contains("protocol");
  const json::value* version_value = object.if_contains("version");
  if (protocol_value == nullptr || !protocol_value->is_string() || version_value == nullptr ||
      !version_value->is_int64()) {
    return Unexpected();
  }
  const json::string& name_string = protocol_value->get_string();
  const std::string_view name(name_string.data(), name_string.size());
  const int64_t version = version_value->get_int64();

  // Names compare exactly (case-sensitive), like .NET's protocol resolver.
  std::optional<HubProtocol> protocol;
  if (name == kJsonProtocolName && supported.json) {
    protocol = HubProtocol::kJson;
  } else if (name == kMessagePackProtocolName && supported.messagepack) {
    protocol = HubProtocol::kMessagePack;
  }
  if (!protocol.has_value()) {
    if (name == kMessagePackProtocolName) {
      // A known protocol the transport cannot carry (Server-Sent Events is text only).
      return absl::InvalidArgumentError(absl::StrCat(
          "Cannot use the '", AsAbsl(name),
          "' protocol on the current transport. The transport does not support 'Binary' "
          "transfer format."));
    }
    return absl::InvalidArgumentError(ProtocolNotSupportedText(name));
  }
  // .NET's IsVersionSupported is "version <= Version", so only versions above the newest one
  // are refused (the JS client sends 1, or 2 with stateful reconnect).
  if (version > kMaxVersion) {
    return absl::InvalidArgumentError(ProtocolVersionNotSupportedText(name, version));
  }
  return HandshakeRequest{*protocol, version};
}

std::string Handshake::SuccessResponse() {
  std::string response = "{}";
  response.push_back(kRecordSeparator);
  return response;
}

std::string Handshake::ErrorResponse(std::string_view error) {
  json::object object;
  object.emplace("error", json::string(error));
  std::string response = json::serialize(object);
  response.push_back(kRecordSeparator);
  return response;
}

}  // namespace hubgate::hubcore
