#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace hubgate::gateway {

class HttpTransportSession;
class WebSocketSession;

// .NET's text (with 404) for a request whose connection token is unknown or expired.
inline constexpr char kNoConnectionWithThatId[] = "No Connection with that ID";

// The transport a connection uses (none until the first transport request arrives).
enum class TransportKind : uint8_t { kNone, kWebSockets, kServerSentEvents, kLongPolling };

// Connections created by negotiate, keyed by their secret token, until their transport closes.
// Negotiate runs on whichever worker accepted the HTTP request and the WebSocket may arrive on
// another, so this is the one piece of shared, locked state on the connect path.
class ConnectionRegistry {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Entry {
    std::string connection_id;
    std::string hub;
    uint32_t worker = 0;  // the worker that will own the connection (encoded in the id)
    TimePoint connect_deadline;  // forgotten if no transport has connected by then
    bool claimed = false;  // a transport has connected
    TransportKind transport = TransportKind::kNone;
    // The Server-Sent Events or Long Polling session, once it exists. Only locked and used on
    // the owning worker's thread.
    std::weak_ptr<HttpTransportSession> session;
    // Stateful reconnect was negotiated: a WebSocket may come back with the same token and
    // resume the connection (its session, once it exists; used on the owning worker only).
    bool stateful = false;
    std::weak_ptr<WebSocketSession> websocket;
  };

  // Registers a new connection; token must be unique (random).
  void Add(const std::string& token, Entry entry);
  // A transport connects with the token. NotFound: unknown or expired token (a token of
  // another hub too); AlreadyExists: the same transport is already connected (HTTP 409);
  // FailedPrecondition: another transport is connected (HTTP 400). Every Long Polling poll
  // claims: a poll of a Long Polling connection succeeds again, and so does a WebSocket of a
  // stateful-reconnect connection (it resumes the connection). The returned copy's `claimed`
  // tells whether a transport had connected before this call.
  absl::StatusOr<Entry> Claim(const std::string& token, const std::string& hub,
                              TransportKind transport = TransportKind::kWebSockets);
  // The entry of a token (NotFound as Claim), without claiming it.
  absl::StatusOr<Entry> Find(const std::string& token, const std::string& hub) const;
  // Records the session serving a token's Server-Sent Events or Long Polling transport.
  void AttachSession(const std::string& token, std::weak_ptr<HttpTransportSession> session);
  // Records the WebSocket session of a stateful-reconnect connection.
  void AttachWebSocket(const std::string& token, std::weak_ptr<WebSocketSession> session);
  // The connection ended; the token stops working.
  void Remove(const std::string& token);
  // Forgets connections that were negotiated but not connected by their deadline.
  size_t ExpireUnclaimed(TimePoint now);

  size_t size() const;

 private:
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mutex_);
};

// 16 random bytes from OpenSSL's CSPRNG, base64url without padding (22 URL-safe characters).
std::string NewRandomToken();
std::array<uint8_t, 16> RandomBytes16();

}  // namespace hubgate::gateway
