#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hubcore/hub_protocol.h"

namespace hubgate::hubcore {

struct HandshakeRequest {
  HubProtocol protocol = HubProtocol::kJson;
  int64_t version = 1;
};

// The handshake that opens every connection: {"protocol":"json","version":1}<0x1E>.
class Handshake {
 public:
  // Which protocols this server speaks; the others are refused as not supported.
  struct SupportedProtocols {
    bool json = true;
    bool messagepack = false;
  };
  static constexpr int64_t kMaxVersion = 2;

  // Parses the handshake record (without the separator). On failure the status message is
  // exactly the error text to send back to the client:
  //  - malformed JSON or missing/ill-typed fields: kHandshakeUnexpectedError
  //  - unknown or disabled protocol: ProtocolNotSupportedText(name)
  //  - version above kMaxVersion: ProtocolVersionNotSupportedText(name, version)
  static absl::StatusOr<HandshakeRequest> ParseRequest(std::string_view record,
                                                       SupportedProtocols supported);

  // "{}" + 0x1E
  static std::string SuccessResponse();
  // {"error":"..."} + 0x1E, with the text JSON-escaped.
  static std::string ErrorResponse(std::string_view error);
};

}  // namespace hubgate::hubcore
