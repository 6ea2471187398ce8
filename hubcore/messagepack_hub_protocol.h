#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "hubcore/hub_message.h"

namespace hubgate::hubcore {

// The MessagePack hub protocol (HubProtocol.md, "MessagePack (MsgPack) encoding"): every message
// is one MessagePack array whose first element is the type, framed by a VarInt length prefix
// (binary_message_reader.h). Values map as described in messagepack_value_codec.h.
//
// Parsing accepts what @microsoft/signalr-protocol-msgpack and .NET write:
//  - Invocation / StreamInvocation with 5 elements (no stream ids, the JS client's form) or 6;
//    Close with 2 (the JS client's form) or 3 elements. Extra trailing elements are ignored,
//    for forward compatibility.
//  - A nil or empty Invocation id means fire-and-forget; nil headers or stream ids mean none.
// Errors are HubProtocolError()s with .NET's texts where .NET has one ("Reading 'target' as
// String failed.", "Null or empty invocation ID for Completion message.", ...). A message with
// an unknown type number yields absl::NotFoundError (the caller ignores it, as .NET does).
//
// Writing follows .NET's MessagePackHubProtocolWorker: Invocation and StreamInvocation always
// have 6 elements (empty stream ids as an empty array), Completion 4 or 5 (result kind 1 error,
// 2 void, 3 result), Close 3 ([7, error or nil, allowReconnect]), Ping exactly 91 06.
class MessagePackHubProtocol {
 public:
  // Parses one message payload (without its length prefix).
  static absl::StatusOr<HubMessage> Parse(std::string_view payload);

  // Appends the length prefix followed by the encoded message
  // (messagepack_hub_protocol_write.cc).
  static void Write(const HubMessage& message, std::string* out);

  // A Completion's result kind (MessagePackHubProtocolWorker.cs).
  static constexpr int kErrorResult = 1;
  static constexpr int kVoidResult = 2;
  static constexpr int kNonVoidResult = 3;
};

}  // namespace hubgate::hubcore
