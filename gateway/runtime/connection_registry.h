#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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

class ClusterRouting;
class Metrics;

// Connections created by negotiate, keyed by their secret token, until their transport closes.
// Negotiate runs on whichever worker accepted the HTTP request and the WebSocket may arrive on
// another, so this is shared state on the connect path: it is split into shards by token, each
// with its own lock, so that connects on different workers rarely meet. Admit bounds what
// anonymous clients can make it hold (see Limits).
class ConnectionRegistry {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // 0 turns a limit off. Unclaimed: negotiated, no transport connected yet.
  struct Limits {
    int64_t max_connections = 0;             // every entry, negotiated or connected
    int64_t max_connections_per_user = 0;    // entries of one (authenticated) user id
    int64_t max_unclaimed_per_hub = 0;
    int64_t max_unclaimed_per_address = 0;   // per client address (the socket peer)
  };

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
    // Who asked for the connection, for the limits: counted per user when user_id is not
    // empty, per address while unclaimed when client_address is not empty.
    std::string user_id;
    std::string client_address;
  };

  // Before the gateway starts serving: the limits, the hubs counted per hub, and `metrics`
  // (may be null), which counts refusals by limit.
  void Configure(Limits limits, const std::vector<std::string>& hubs, Metrics* metrics);
  // Before serving, in a cluster: told of every connection taken in and let go.
  void SetCluster(ClusterRouting* cluster) { cluster_ = cluster; }

  // Registers a new connection, within the limits: Unavailable (HTTP 503) when the process or
  // the hub has no room, ResourceExhausted (HTTP 429) when the user or the address has used its
  // share; the message is the client-visible text. token must be unique (random).
  absl::Status Admit(const std::string& token, Entry entry);
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
  // Forgets connections that were negotiated but not connected by their deadline. Each shard
  // keeps its deadlines in a min-heap, so this visits only what is due, not every entry.
  size_t ExpireUnclaimed(TimePoint now);

  size_t size() const { return total_.load(std::memory_order_relaxed); }
  size_t unclaimed() const { return unclaimed_.load(std::memory_order_relaxed); }

 private:
  ClusterRouting* cluster_ = nullptr;
  static constexpr size_t kShards = 16;
  using Deadline = std::pair<TimePoint, std::string>;  // of an unclaimed entry's token
  struct Shard {
    mutable absl::Mutex mutex;
    absl::flat_hash_map<std::string, Entry> entries ABSL_GUARDED_BY(mutex);
    std::vector<Deadline> deadlines ABSL_GUARDED_BY(mutex);  // min-heap by time
  };
  // Counts per user or per address, split the same way; a key leaves at zero.
  struct CountShard {
    absl::Mutex mutex;
    absl::flat_hash_map<std::string, int64_t> counts ABSL_GUARDED_BY(mutex);
  };

  Shard& ShardOf(const std::string& token) const;
  static CountShard& CountShardOf(std::array<CountShard, kShards>& shards,
                                  const std::string& key);
  // Adds 1 to key's count unless that would pass limit (0: none); false when it would.
  static bool TryCount(std::array<CountShard, kShards>& shards, const std::string& key,
                       int64_t limit);
  static void Uncount(std::array<CountShard, kShards>& shards, const std::string& key);
  std::atomic<int64_t>* HubUnclaimed(const std::string& hub);
  void Insert(const std::string& token, Entry entry);
  // Takes back what an entry counted: `was_unclaimed` and, when leaving, `leaving`.
  void Release(const Entry& entry, bool was_unclaimed, bool leaving);
  absl::Status Refuse(absl::Status status, std::string_view limit);

  Limits limits_;
  Metrics* metrics_ = nullptr;
  // Unclaimed negotiations per hub; the hubs are fixed by Configure, read without a lock.
  absl::flat_hash_map<std::string, std::unique_ptr<std::atomic<int64_t>>> hub_unclaimed_;
  mutable std::array<Shard, kShards> shards_;
  std::array<CountShard, kShards> per_user_;
  std::array<CountShard, kShards> per_address_;
  std::atomic<size_t> total_{0};
  std::atomic<size_t> unclaimed_{0};
};

// 16 random bytes from OpenSSL's CSPRNG, base64url without padding (22 URL-safe characters).
std::string NewRandomToken();
std::array<uint8_t, 16> RandomBytes16();

}  // namespace hubgate::gateway
