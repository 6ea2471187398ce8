#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "gateway/backplane/cluster_slot_map.h"
#include "gateway/backplane/redis_connection.h"
#include "gateway/backplane/redis_node_link.h"

namespace hubgate::gateway {

struct ShardedPubSubOptions {
  // "host:port" of the Redis (single) or of seed nodes (cluster; any reachable one will do).
  std::vector<std::string> addresses;
  bool cluster = false;
  std::string user;      // ACL user for AUTH; empty: AUTH with the password alone
  std::string password;  // empty: no AUTH
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds reply_timeout{5000};  // see RedisConnectionOptions
  // Reconnect delay after a failure: starts at backoff_initial, doubles per failed attempt up to
  // backoff_max, and starts over once every master is connected again.
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  size_t max_outgoing_bytes = 16 << 20;  // per connection; see RedisConnectionOptions
  size_t max_pending_replies = 100000;
  size_t max_reply_bytes = 64 << 20;
};

// Redis 7 sharded pub/sub (SPUBLISH/SSUBSCRIBE) for the gateway, on a single Redis or a Redis
// Cluster. In a cluster it reads the slot map (CLUSTER SHARDS) from the seeds, and keeps one
// publish and one subscriber connection per master; a channel goes to its slot's master. It
// refreshes the map on MOVED/ASK, on a server-side unsubscribe and on connection loss, reconnects
// with capped exponential backoff, and re-subscribes exactly the channels it holds.
//
// Threading: every method, and every callback, runs on the thread running the io_context given
// to Create. Publish's done never runs inside Publish. Held by shared_ptr; call Stop before
// dropping it.
class ShardedPubSub : public std::enable_shared_from_this<ShardedPubSub> {
 public:
  using MessageCallback = absl::AnyInvocable<void(std::string_view channel,
                                                  std::string_view payload)>;
  // connected, or disconnected with the reason (Unavailable naming the node).
  using StateCallback = absl::AnyInvocable<void(bool connected, const absl::Status& reason)>;
  using DoneCallback = absl::AnyInvocable<void(absl::Status)>;
  // SPUBLISH's answer: how many subscriber connections received the message.
  using PublishCallback = absl::AnyInvocable<void(absl::StatusOr<int64_t> receivers)>;

  // InvalidArgument when there is no address or one is not host:port.
  static absl::StatusOr<std::shared_ptr<ShardedPubSub>> Create(net::io_context& io_context,
                                                               ShardedPubSubOptions options);

  // Set before Start. Messages arrive only for channels currently subscribed.
  void SetMessageCallback(MessageCallback callback) { on_message_ = std::move(callback); }
  // Fires with the first outcome after Start, then on every change between connected and
  // disconnected.
  void SetStateCallback(StateCallback callback) { on_state_ = std::move(callback); }

  void Start();
  // Closes every connection and cancels the reconnect; nothing fires afterwards except the
  // done callbacks of publishes still in flight (Unavailable).
  void Stop();

  // SPUBLISH to the channel's master. done gets the receiver count once Redis accepted it
  // (0: nobody subscribes to the channel), Unavailable when that
  // master is not connected (at once, naming it) or the connection is lost before the reply,
  // ResourceExhausted when the outgoing buffer or the count of awaited replies is full,
  // FailedPrecondition for another refusal.
  // One MOVED/ASK redirection is followed.
  void Publish(std::string_view channel, std::string_view payload, PublishCallback done);
  // done (never inside the call) gets OK once the server confirmed the subscription of a
  // channel in the set, Unavailable when its master is not connected or the link is lost
  // first, FailedPrecondition when the channel is not in the set.
  void WhenSubscribed(std::string_view channel, DoneCallback done);
  // Adds/removes the channel to/from the set held; the caller counts references.
  void Subscribe(std::string_view channel);
  void Unsubscribe(std::string_view channel);

  bool connected() const { return connected_; }
  size_t subscription_count() const { return channels_.size(); }
  // Subscriptions the servers have confirmed (equals subscription_count when settled).
  size_t confirmed_subscriptions() const;
  const ClusterSlotMap& slot_map() const { return map_; }

  // Replaces the slot map without touching the connections, to exercise MOVED handling.
  void SetSlotMapForTest(ClusterSlotMap map) { map_ = std::move(map); }
  int slot_map_loads_for_test() const { return slot_map_loads_; }
  // The delay before the next reconnect attempt.
  std::chrono::milliseconds backoff_for_test() const { return backoff_; }

  ShardedPubSub(net::io_context& io_context, ShardedPubSubOptions options,
                std::vector<RedisNodeAddress> seeds);

 private:
  void Refresh();
  void OnSlotMap(ClusterSlotMap map);
  void EnsureLinks();
  void Reconcile();
  void SubscribeOn(const RedisNodeLinkPtr& link, const std::string& channel);
  void OnLinkDown(const std::string& name, absl::Status reason);
  struct OutgoingMessage {
    std::string channel;
    std::string payload;
  };

  void PublishTo(const RedisNodeAddress& master, std::shared_ptr<const OutgoingMessage> message,
                 PublishCallback done, bool asking, int redirects_left);
  // Runs the WhenSubscribed callbacks of `channel` with `status`.
  void FinishWaiters(const std::string& channel, const absl::Status& status);
  void FailAllWaiters(const absl::Status& status);
  void Later(DoneCallback done, absl::Status status);
  RedisNodeLinkPtr LinkFor(std::string_view channel) const;
  void ScheduleRetry(absl::Status reason);
  void UpdateState();
  RedisConnectionOptions ConnectionOptions() const;

  net::io_context& io_context_;
  ShardedPubSubOptions options_;
  std::vector<RedisNodeAddress> seeds_;
  ClusterSlotMap map_;
  absl::flat_hash_map<std::string, RedisNodeLinkPtr> links_;  // by master "host:port"
  absl::flat_hash_set<std::string> channels_;
  absl::flat_hash_map<std::string, std::vector<DoneCallback>> subscription_waiters_;
  MessageCallback on_message_;
  StateCallback on_state_;
  net::steady_timer retry_timer_;
  std::chrono::milliseconds backoff_;
  absl::Status last_failure_;
  bool connected_ = false;
  bool state_reported_ = false;
  bool attempt_failed_ = false;  // the first "disconnected" is reported after a real failure
  bool started_ = false;
  bool stopped_ = false;
  bool retry_scheduled_ = false;
  bool refreshing_ = false;
  bool refresh_again_ = false;
  int slot_map_loads_ = 0;
};

using ShardedPubSubPtr = std::shared_ptr<ShardedPubSub>;

}  // namespace hubgate::gateway
