#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/backplane/backplane_metrics.h"
#include "gateway/backplane/channel_layout.h"
#include "gateway/backplane/sharded_pub_sub.h"
#include "gateway/backplane/subscription_book.h"
#include "gateway/ops/net.h"
#include "gateway/runtime/cluster_routing.h"

namespace hubgate::gateway {

struct BackplaneOptions {
  ShardedPubSubOptions redis;
  std::string channel_prefix = "hubgate";
  std::string replica_id;        // non-empty
  std::vector<std::string> hubs;  // every configured hub: its h: channel is held for life
};

// This replica's link to the cluster (docs/scale-out.md): one thread running the Redis client
// (ShardedPubSub) and the subscriptions that follow the routing changes of every worker
// (SubscriptionBook, fed as a ClusterRouting). Publishing and waiting for subscriptions work
// from any thread; received messages and publish answers arrive on the backplane's thread.
class Backplane final : public ClusterRouting {
 public:
  // Runs on the backplane's thread for each message of a subscribed channel.
  using MessageCallback = absl::AnyInvocable<void(std::string_view channel,
                                                  std::string_view payload)>;

  // InvalidArgument for a bad channel prefix or Redis address.
  static absl::StatusOr<std::unique_ptr<Backplane>> Create(BackplaneOptions options,
                                                           Metrics& metrics);
  ~Backplane() override;

  // Starts the thread and connects; `on_message` is set once, before.
  void Start(MessageCallback on_message);
  // Disconnects and joins the thread; nothing runs afterwards.
  void Stop();

  // SPUBLISH from any thread; `done` runs on the backplane's thread with the receiver count.
  // The payload is shared, so a push published to several channels is not copied per channel.
  void Publish(std::string channel, std::shared_ptr<const std::string> payload,
               ShardedPubSub::PublishCallback done);
  // Runs fn on the backplane's thread.
  void Post(absl::AnyInvocable<void() &&> fn);
  net::io_context& io_context() { return io_context_; }

  bool connected() const { return connected_.load(std::memory_order_acquire); }
  // "connected" or "disconnected: <reason>", for /readyz.
  std::string StateDetail() const;
  const ChannelLayout& layout() const { return book_.layout(); }
  const std::string& replica_id() const { return replica_id_; }
  BackplaneMetrics& metrics() { return metrics_; }
  // Whether this replica holds the channel (any thread).
  bool Holds(std::string_view channel) const { return book_.CountOf(channel) > 0; }

  // ClusterRouting (workers' threads).
  void ConnectionOpened(std::string_view hub, std::string_view connection_id,
                        std::string_view user_id) override;
  void ConnectionClosed(std::string_view hub, std::string_view connection_id,
                        std::string_view user_id) override;
  void JoinedGroup(std::string_view hub, std::string_view group) override;
  void LeftGroup(std::string_view hub, std::string_view group) override;
  void WhenRoutable(std::string_view hub, std::string_view connection_id,
                    std::string_view user_id, absl::AnyInvocable<void() &&> done) override;
  void ConnectionHeld(std::string_view connection_id) override {
    book_.ConnectionHeld(connection_id);
  }
  void ConnectionReleased(std::string_view connection_id) override {
    book_.ConnectionReleased(connection_id);
  }
  void WhenHeld(std::string_view connection_id, absl::AnyInvocable<void() &&> done) override {
    WhenSubscribed(layout().Connection(connection_id),
                   [done = std::move(done)](absl::Status) mutable { std::move(done)(); });
  }
  // done (on the backplane's thread) once the channel's subscription is confirmed, or it
  // cannot be (see ShardedPubSub::WhenSubscribed).
  void WhenSubscribed(std::string channel, absl::AnyInvocable<void(absl::Status) &&> done);
  // Marks a connection token as claimed cluster-wide until `ttl` passes (its claim deadline):
  // done (backplane thread) gets true for the first claim, false for any later one.
  void ClaimOnce(std::string_view connection_id, std::chrono::milliseconds ttl,
                 absl::AnyInvocable<void(absl::StatusOr<bool>) &&> done);

  Backplane(BackplaneOptions options, ChannelLayout layout, Metrics& metrics);

 private:
  void OnChange(const SubscriptionChange& change);
  void OnState(bool connected, const absl::Status& reason);

  const std::string replica_id_;
  const std::vector<std::string> hubs_;
  BackplaneMetrics metrics_;
  net::io_context io_context_;
  std::shared_ptr<ShardedPubSub> pub_sub_;  // used on the backplane's thread only
  SubscriptionBook book_;
  std::thread thread_;
  std::atomic<bool> connected_{false};
  bool was_connected_ = false;  // backplane thread
  // std::mutex, not absl::Mutex: see SubscriptionBook.
  mutable std::mutex state_mutex_;
  std::string state_detail_ = "connecting";  // guarded by state_mutex_
};

}  // namespace hubgate::gateway
