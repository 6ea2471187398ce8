#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hubgate::hubcore {

// Public connection ids: 16 random bytes, base64url (22 characters), like .NET's. The first byte
// carries the index of the worker that owns the connection, so a single-connection operation is
// routed to that worker without a shared lookup table. Randomness is supplied by the caller.
class ConnectionId {
 public:
  // Workers an id can name (one byte); WorkerPool never has more.
  static constexpr uint32_t kMaxWorkers = 256;

  // worker < kMaxWorkers (crashes otherwise).
  static std::string Make(uint32_t worker, const std::array<uint8_t, 16>& random_bytes);
  // The owning worker, or nullopt for a string that is not a well-formed id.
  static std::optional<uint32_t> WorkerOf(std::string_view id);
};

}  // namespace hubgate::hubcore
