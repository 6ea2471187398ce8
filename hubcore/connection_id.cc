#include "hubcore/connection_id.h"

#include "absl/strings/escaping.h"
#include "hubcore/check.h"

namespace hubgate::hubcore {

std::string ConnectionId::Make(uint32_t worker, const std::array<uint8_t, 16>& random_bytes) {
  // A wrapped index would route the connection's operations to another worker.
  HUBGATE_CHECK(worker < kMaxWorkers, "the worker index fits the id's worker byte");
  std::array<uint8_t, 16> bytes = random_bytes;
  bytes[0] = static_cast<uint8_t>(worker);
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::optional<uint32_t> ConnectionId::WorkerOf(std::string_view id) {
  if (id.size() != 22) {
    return std::nullopt;
  }
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(absl::string_view(id.data(), id.size()), &decoded) ||
      decoded.size() != 16) {
    return std::nullopt;
  }
  return static_cast<uint8_t>(decoded[0]);
}

}  // namespace hubgate::hubcore
