#include "gateway/backplane/sharded_pub_sub.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/backplane/cluster_slot_map_loader.h"
#include "gateway/backplane/redis_redirection.h"
#include "gateway/backplane/redis_slot.h"
#include "hubcore/check.h"

namespace hubgate::gateway {
namespace {

// abseil here is built with its own string_view; its hash sets look up by that one.
absl::string_view AbslView(std::string_view text) { return {text.data(), text.size()}; }

}  // namespace

absl::StatusOr<std::shared_ptr<ShardedPubSub>> ShardedPubSub::Create(
    net::io_context& io_context, ShardedPubSubOptions options) {
  if (options.addresses.empty()) {
    return absl::InvalidArgumentError("the Redis backplane needs at least one address");
  }
  std::vector<RedisNodeAddress> seeds;
  for (const std::string& address : options.addresses) {
    absl::StatusOr<RedisNodeAddress> seed = ParseRedisNodeAddress(address);
    if (!seed.ok()) {
      return seed.status();
    }
    seeds.push_back(*std::move(seed));
  }
  if (options.backoff_initial.count() <= 0 || options.backoff_max < options.backoff_initial) {
    return absl::InvalidArgumentError("the Redis reconnect backoff needs 0 < initial <= max");
  }
  return std::make_shared<ShardedPubSub>(io_context, std::move(options), std::move(seeds));
}

ShardedPubSub::ShardedPubSub(net::io_context& io_context, ShardedPubSubOptions options,
                             std::vector<RedisNodeAddress> seeds)
    : io_context_(io_context),
      options_(std::move(options)),
      seeds_(std::move(seeds)),
      retry_timer_(io_context),
      backoff_(options_.backoff_initial),
      last_failure_(absl::UnavailableError("the Redis backplane has not connected yet")) {}

void ShardedPubSub::Start() {
  HUBGATE_CHECK(!started_, "ShardedPubSub::Start called twice");
  started_ = true;
  Refresh();
}

void ShardedPubSub::Stop() {
  stopped_ = true;
  retry_timer_.cancel();
  for (auto& [name, link] : links_) {
    link->Close();
  }
  links_.clear();
  connected_ = false;
  FailAllWaiters(absl::UnavailableError("the Redis backplane was stopped"));
}

RedisConnectionOptions ShardedPubSub::ConnectionOptions() const {
  RedisConnectionOptions connection;
  connection.user = options_.user;
  connection.password = options_.password;
  connection.connect_timeout = options_.connect_timeout;
  connection.reply_timeout = options_.reply_timeout;
  connection.max_outgoing_bytes = options_.max_outgoing_bytes;
  connection.max_pending_replies = options_.max_pending_replies;
  connection.max_reply_bytes = options_.max_reply_bytes;
  return connection;
}

// Loads the slot map (cluster) and opens links to every master that has none.
void ShardedPubSub::Refresh() {
  if (stopped_) {
    return;
  }
  if (!options_.cluster) {
    OnSlotMap(ClusterSlotMap::SingleNode(seeds_.front()));
    return;
  }
  if (refreshing_) {
    refresh_again_ = true;
    return;
  }
  refreshing_ = true;
  // The masters known so far first (they answer fastest), then the seeds.
  std::vector<RedisNodeAddress> candidates = map_.masters();
  for (const RedisNodeAddress& seed : seeds_) {
    if (std::find(candidates.begin(), candidates.end(), seed) == candidates.end()) {
      candidates.push_back(seed);
    }
  }
  std::weak_ptr<ShardedPubSub> weak = weak_from_this();
  LoadClusterSlotMap(io_context_, ConnectionOptions(), std::move(candidates),
                     [weak](absl::StatusOr<ClusterSlotMap> map) {
                       auto self = weak.lock();
                       if (!self || self->stopped_) {
                         return;
                       }
                       self->refreshing_ = false;
                       if (!map.ok()) {
                         self->refresh_again_ = false;
                         self->ScheduleRetry(map.status());
                         return;
                       }
                       self->OnSlotMap(*std::move(map));
                       if (std::exchange(self->refresh_again_, false)) {
                         self->Refresh();
                       }
                     });
}

void ShardedPubSub::OnSlotMap(ClusterSlotMap map) {
  map_ = std::move(map);
  ++slot_map_loads_;
  EnsureLinks();
}

void ShardedPubSub::EnsureLinks() {
  // Links to nodes that are no longer masters go; their channels are re-placed by Reconcile.
  for (auto it = links_.begin(); it != links_.end();) {
    const std::vector<RedisNodeAddress>& masters = map_.masters();
    if (std::find(masters.begin(), masters.end(), it->second->address()) == masters.end()) {
      it->second->Close();
      links_.erase(it++);
    } else {
      ++it;
    }
  }
  std::weak_ptr<ShardedPubSub> weak = weak_from_this();
  for (const RedisNodeAddress& master : map_.masters()) {
    if (links_.contains(master.ToString())) {
      continue;
    }
    RedisNodeLink::Callbacks callbacks;
    callbacks.on_message = [weak](std::string_view channel, std::string_view payload) {
      auto self = weak.lock();
      if (self && !self->stopped_ && self->channels_.contains(AbslView(channel)) &&
          self->on_message_) {
        self->on_message_(channel, payload);
      }
    };
    callbacks.on_server_unsubscribed = [weak](const std::string&) {
      if (auto self = weak.lock()) {
        self->Refresh();
      }
    };
    // A link fires on_down only while it is in links_: every link is closed (which silences it)
    // before it leaves the map.
    callbacks.on_down = [weak, name = master.ToString()](absl::Status reason) {
      if (auto self = weak.lock()) {
        self->OnLinkDown(name, std::move(reason));
      }
    };
    auto link = RedisNodeLink::Create(io_context_, master, ConnectionOptions(),
                                      std::move(callbacks));
    links_[link->name()] = link;
    link->Connect([weak] {
      auto self = weak.lock();
      if (!self || self->stopped_) {
        return;
      }
      self->Reconcile();
      self->UpdateState();
    });
  }
  Reconcile();
  UpdateState();
}

RedisNodeLinkPtr ShardedPubSub::LinkFor(std::string_view channel) const {
  const RedisNodeAddress* master = map_.MasterForSlot(RedisSlot(channel));
  if (master == nullptr) {
    return nullptr;
  }
  auto it = links_.find(master->ToString());
  return it == links_.end() ? nullptr : it->second;
}

// Makes the servers hold exactly channels_, each on its slot's master, as far as links are up.
void ShardedPubSub::Reconcile() {
  for (auto& [name, link] : links_) {
    if (!link->up()) {
      continue;
    }
    std::vector<std::string> misplaced;
    for (const auto& [channel, confirmed] : link->subscriptions()) {
      if (!channels_.contains(channel) || LinkFor(channel) != link) {
        misplaced.push_back(channel);
      }
    }
    for (const std::string& channel : misplaced) {
      link->Unsubscribe(channel);
    }
  }
  for (const std::string& channel : channels_) {
    RedisNodeLinkPtr link = LinkFor(channel);
    if (link && link->up() && !link->Holds(channel)) {
      SubscribeOn(link, channel);
    }
  }
}

void ShardedPubSub::SubscribeOn(const RedisNodeLinkPtr& link, const std::string& channel) {
  std::weak_ptr<ShardedPubSub> weak = weak_from_this();
  std::weak_ptr<RedisNodeLink> weak_link = link;
  link->Subscribe(channel, [weak, weak_link, channel](absl::StatusOr<RedisReply> reply) {
    auto self = weak.lock();
    auto link = weak_link.lock();
    if (!self || self->stopped_) {
      return;
    }
    if (!reply.ok()) {
      // The link went down (it re-subscribes when back); whoever waits learns it now.
      self->FinishWaiters(channel, reply.status());
      return;
    }
    if (!reply->is_error()) {
      self->FinishWaiters(channel, absl::OkStatus());
      return;
    }
    if (!link) {
      return;
    }
    if (ParseRedisRedirection(*reply)) {
      // A stale map: forget it here and re-place it after a refresh.
      link->Forget(channel);
      self->Refresh();
      return;
    }
    // Any other refusal (an ACL without this channel, a server without sharded pub/sub) means
    // messages would be lost without a word: the link goes down with the reason, which the
    // state callback reports, and the reconnect retries with backoff.
    absl::Status refused = absl::FailedPreconditionError(absl::StrCat(
        "Redis node ", link->name(), " refused SSUBSCRIBE ", channel, ": ", reply->str()));
    self->FinishWaiters(channel, refused);
    link->Drop(std::move(refused));
  });
}

void ShardedPubSub::Subscribe(std::string_view channel) {
  auto [it, inserted] = channels_.emplace(channel);
  if (!inserted) {
    return;
  }
  RedisNodeLinkPtr link = LinkFor(channel);
  if (link && link->up()) {
    SubscribeOn(link, *it);
  }
}

void ShardedPubSub::Unsubscribe(std::string_view channel) {
  auto it = channels_.find(AbslView(channel));
  if (it == channels_.end()) {
    return;
  }
  std::string name = *it;
  channels_.erase(it);
  for (auto& [address, link] : links_) {
    if (link->up() && link->Holds(name)) {
      link->Unsubscribe(name);
    }
  }
}

size_t ShardedPubSub::confirmed_subscriptions() const {
  size_t confirmed = 0;
  for (const auto& [name, link] : links_) {
    confirmed += link->up() ? link->confirmed_subscriptions() : 0;
  }
  return confirmed;
}

void ShardedPubSub::Publish(std::string_view channel, std::string_view payload,
                            PublishCallback done) {
  const RedisNodeAddress* master = map_.MasterForSlot(RedisSlot(channel));
  if (stopped_ || master == nullptr) {
    absl::Status status = absl::UnavailableError(absl::StrCat(
        "no Redis master is known for channel \"", std::string(channel), "\" (slot ",
        RedisSlot(channel), "): ", stopped_ ? "stopped" : last_failure_.message()));
    net::post(io_context_, [done = std::move(done), status]() mutable { done(status); });
    return;
  }
  // One copy of the message, shared with the reply callback in case a redirection resends it.
  auto message = std::make_shared<const OutgoingMessage>(
      OutgoingMessage{std::string(channel), std::string(payload)});
  PublishTo(*master, std::move(message), std::move(done), false, 1);
}

void ShardedPubSub::PublishTo(const RedisNodeAddress& master,
                              std::shared_ptr<const OutgoingMessage> message, PublishCallback done,
                              bool asking, int redirects_left) {
  auto it = links_.find(master.ToString());
  if (it == links_.end() || !it->second->up()) {
    absl::Status status = absl::UnavailableError(
        absl::StrCat("Redis node ", master.ToString(), " is not connected",
                     last_failure_.ok() ? "" : ": ", last_failure_.message()));
    net::post(io_context_, [done = std::move(done), status]() mutable { done(status); });
    return;
  }
  std::weak_ptr<ShardedPubSub> weak = weak_from_this();
  RedisNodeLinkPtr link = it->second;
  link->Publish(
      message->channel, message->payload, asking,
      [weak, name = link->name(), message, done = std::move(done),
       redirects_left](absl::StatusOr<RedisReply> reply) mutable {
        if (!reply.ok()) {
          done(reply.status());
          return;
        }
        if (!reply->is_error()) {
          done(reply->integer());
          return;
        }
        auto self = weak.lock();
        if (!self || self->stopped_) {
          done(absl::UnavailableError("the Redis backplane was stopped"));
          return;
        }
        std::optional<RedisRedirection> redirection = ParseRedisRedirection(*reply);
        if (!redirection || redirects_left == 0) {
          done(absl::FailedPreconditionError(
              absl::StrCat("Redis node ", name, " refused SPUBLISH: ", reply->str())));
          return;
        }
        if (!redirection->ask) {
          self->Refresh();  // MOVED: the map is stale
        }
        self->PublishTo(redirection->target, std::move(message), std::move(done),
                        redirection->ask, redirects_left - 1);
      });
}

void ShardedPubSub::OnLinkDown(const std::string& name, absl::Status reason) {
  links_.erase(name);
  // In a cluster, the retry reloads the map too: a lost master may have failed over.
  ScheduleRetry(std::move(reason));
}

void ShardedPubSub::ScheduleRetry(absl::Status reason) {
  if (stopped_) {
    return;
  }
  last_failure_ = std::move(reason);
  attempt_failed_ = true;
  UpdateState();
  if (retry_scheduled_) {
    return;
  }
  retry_scheduled_ = true;
  retry_timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, options_.backoff_max);
  std::weak_ptr<ShardedPubSub> weak = weak_from_this();
  retry_timer_.async_wait([weak](error_code ec) {
    auto self = weak.lock();
    if (ec || !self || self->stopped_) {
      return;
    }
    self->retry_scheduled_ = false;
    self->Refresh();
  });
}

void ShardedPubSub::UpdateState() {
  bool now_connected = !map_.empty();
  std::string waiting_for;  // a master whose links are not up yet
  for (const RedisNodeAddress& master : map_.masters()) {
    auto it = links_.find(master.ToString());
    if (it == links_.end() || !it->second->up()) {
      now_connected = false;
      waiting_for = master.ToString();
    }
  }
  if (now_connected) {
    backoff_ = options_.backoff_initial;
    last_failure_ = absl::OkStatus();
  }
  // Before the first outcome, "not connected yet" is no news; a failure or success is.
  bool first_outcome_pending = !state_reported_ && !now_connected && !attempt_failed_;
  if (stopped_ || first_outcome_pending || (now_connected == connected_ && state_reported_)) {
    return;
  }
  connected_ = now_connected;
  state_reported_ = true;
  if (!on_state_) {
    return;
  }
  if (connected_) {
    on_state_(true, absl::OkStatus());
  } else if (!last_failure_.ok()) {
    on_state_(false, last_failure_);
  } else {
    // No failure: a map change named a master not connected yet.
    on_state_(false, absl::UnavailableError(
                         absl::StrCat("connecting to Redis node ", waiting_for)));
  }
}

}  // namespace hubgate::gateway
