// ShardedPubSub, the waits and the one key: WhenSubscribed (and its waiters, answered as the
// servers confirm or the links go down) and SetIfAbsent. Same thread rules as the rest.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gateway/backplane/sharded_pub_sub.h"

namespace hubgate::gateway {

void ShardedPubSub::Later(DoneCallback done, absl::Status status) {
  net::post(io_context_, [done = std::move(done), status = std::move(status)]() mutable {
    done(std::move(status));
  });
}

void ShardedPubSub::WhenSubscribed(std::string_view channel, DoneCallback done) {
  const std::string name(channel);
  if (!channels_.contains(name)) {
    Later(std::move(done),
          absl::FailedPreconditionError(absl::StrCat("not subscribed to ", name)));
    return;
  }
  RedisNodeLinkPtr link = LinkFor(name);
  if (stopped_ || !link || !link->up()) {
    Later(std::move(done),
          absl::UnavailableError(absl::StrCat("the Redis master of ", name, " is not connected",
                                              last_failure_.ok() ? "" : ": ",
                                              last_failure_.message())));
    return;
  }
  auto it = link->subscriptions().find(name);
  if (it != link->subscriptions().end() && it->second) {
    Later(std::move(done), absl::OkStatus());
    return;
  }
  subscription_waiters_[name].push_back(std::move(done));
}

void ShardedPubSub::FinishWaiters(const std::string& channel, const absl::Status& status) {
  auto it = subscription_waiters_.find(channel);
  if (it == subscription_waiters_.end()) {
    return;
  }
  std::vector<DoneCallback> waiters = std::move(it->second);
  subscription_waiters_.erase(it);
  for (DoneCallback& done : waiters) {
    Later(std::move(done), status);
  }
}

void ShardedPubSub::FailAllWaiters(const absl::Status& status) {
  auto waiters = std::move(subscription_waiters_);
  subscription_waiters_.clear();
  for (auto& [channel, callbacks] : waiters) {
    for (DoneCallback& done : callbacks) {
      Later(std::move(done), status);
    }
  }
}

void ShardedPubSub::SetIfAbsent(std::string_view key, std::chrono::milliseconds ttl,
                                absl::AnyInvocable<void(absl::StatusOr<bool>)> done) {
  RedisNodeLinkPtr link = stopped_ ? nullptr : LinkFor(key);
  if (link == nullptr || !link->up()) {
    absl::Status status = absl::UnavailableError(
        absl::StrCat("the Redis master of key \"", std::string(key), "\" is not connected"));
    net::post(io_context_, [done = std::move(done), status]() mutable { done(status); });
    return;
  }
  const std::string ttl_text = std::to_string(std::max<int64_t>(1, ttl.count()));
  link->Command({"SET", key, "1", "NX", "PX", ttl_text},
                [name = link->name(), done = std::move(done)](
                    absl::StatusOr<RedisReply> reply) mutable {
                  if (!reply.ok()) {
                    done(reply.status());
                  } else if (reply->is_error()) {
                    done(absl::FailedPreconditionError(
                        absl::StrCat("Redis node ", name, " refused SET: ", reply->str())));
                  } else {
                    done(reply->type() != RedisReply::Type::kNil);
                  }
                });
}

}  // namespace hubgate::gateway
