#pragma once

#include <optional>
#include <string_view>

namespace hubgate::hubcore {

// The hub protocols a connection may choose in its handshake.
enum class HubProtocol { kJson = 0, kMessagePack = 1 };
inline constexpr int kHubProtocolCount = 2;

// The WebSocket frame kind a protocol's messages travel in.
enum class TransferFormat { kText, kBinary };

inline std::string_view ProtocolName(HubProtocol protocol) {
  return protocol == HubProtocol::kJson ? "json" : "messagepack";
}

inline TransferFormat TransferFormatOf(HubProtocol protocol) {
  return protocol == HubProtocol::kJson ? TransferFormat::kText : TransferFormat::kBinary;
}

}  // namespace hubgate::hubcore
