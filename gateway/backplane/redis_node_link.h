#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "gateway/backplane/redis_connection.h"
#include "gateway/backplane/redis_node_address.h"

namespace hubgate::gateway {

// What ShardedPubSub holds for one Redis master: a connection for SPUBLISH and a subscribed
// connection for SSUBSCRIBE (RESP2 allows nothing else on a subscribed connection), and the
// channels subscribed there. Up when both are open; the first loss closes both and fires
// on_down once. Like RedisConnection, it runs on one io_context's thread and never reconnects.
class RedisNodeLink : public std::enable_shared_from_this<RedisNodeLink> {
 public:
  struct Callbacks {
    absl::AnyInvocable<void(std::string_view channel, std::string_view payload)> on_message;
    // The server dropped a subscription by itself (its slot moved to another master).
    absl::AnyInvocable<void(const std::string& channel)> on_server_unsubscribed;
    // The connect failed or an open connection was lost (Unavailable naming the node).
    absl::AnyInvocable<void(absl::Status reason)> on_down;
  };

  static std::shared_ptr<RedisNodeLink> Create(net::io_context& io_context,
                                               RedisNodeAddress address,
                                               RedisConnectionOptions options,
                                               Callbacks callbacks);

  // Opens both connections; on_up runs once both are open (else on_down fires).
  void Connect(absl::AnyInvocable<void()> on_up);
  // Closes both connections without firing on_down; pending replies fail with Unavailable.
  void Close();
  // Closes both connections and fires on_down with reason (once, unless already closed).
  void Drop(absl::Status reason) { Down(std::move(reason)); }

  bool up() const { return up_; }
  const RedisNodeAddress& address() const { return address_; }
  const std::string& name() const { return name_; }

  // SPUBLISH on the publish connection; with asking, preceded by ASKING (an ASK redirection).
  void Publish(std::string_view channel, std::string_view payload, bool asking,
               RedisConnection::ReplyCallback on_reply);
  // Any other command on the publish connection (e.g. SET ... NX).
  void Command(std::initializer_list<std::string_view> arguments,
               RedisConnection::ReplyCallback on_reply) {
    publisher_->Send(arguments, std::move(on_reply));
  }
  // SSUBSCRIBE; on_reply gets the confirmation or the error reply (e.g. MOVED).
  void Subscribe(const std::string& channel, RedisConnection::ReplyCallback on_reply);
  // SUNSUBSCRIBE, when the channel is held here.
  void Unsubscribe(const std::string& channel);
  // Drops a channel from the bookkeeping without telling the server (it refused it).
  void Forget(const std::string& channel) { subscriptions_.erase(channel); }

  bool Holds(const std::string& channel) const { return subscriptions_.contains(channel); }
  // Channels asked for here, each with whether the server confirmed it yet.
  const absl::flat_hash_map<std::string, bool>& subscriptions() const { return subscriptions_; }
  size_t confirmed_subscriptions() const;

  RedisNodeLink(net::io_context& io_context, RedisNodeAddress address,
                RedisConnectionOptions options, Callbacks callbacks);

 private:
  static constexpr std::chrono::milliseconds kSubscriberDrain{200};

  void OnPush(const RedisReply& push);
  void PublisherLost(absl::Status reason);
  void Down(absl::Status reason);

  RedisNodeAddress address_;
  std::string name_;
  RedisConnectionPtr publisher_;
  RedisConnectionPtr subscriber_;
  Callbacks callbacks_;
  absl::flat_hash_map<std::string, bool> subscriptions_;
  int open_connections_ = 0;
  bool up_ = false;
  bool done_ = false;  // closed or down: nothing more fires
  net::steady_timer drain_timer_;  // after the publish connection's loss
};

using RedisNodeLinkPtr = std::shared_ptr<RedisNodeLink>;

}  // namespace hubgate::gateway
