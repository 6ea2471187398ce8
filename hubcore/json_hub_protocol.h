#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hubcore/hub_message.h"

namespace hubgate::hubcore {

inline constexpr char kRecordSeparator = '\x1e';

// The JSON hub protocol (HubProtocol.md, "JSON Encoding").
class JsonHubProtocol {
 public:
  // Parses one message (the text between two record separators, without the separator).
  // Property order does not matter and unknown properties are skipped.
  // Errors are HubProtocolError()s whose message is the .NET-style detail, e.g.
  // "Missing required property 'target'.". A message with an unknown "type" number yields
  // absl::NotFoundError (the caller ignores it, as .NET does, for forward compatibility).
  static absl::StatusOr<HubMessage> Parse(std::string_view payload);

  // Appends the encoded message followed by the record separator.
  static void Write(const HubMessage& message, std::string* out);
};

}  // namespace hubgate::hubcore
