#include "gateway/backplane/subscription_book.h"

#include <algorithm>

#include "hubcore/check.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::gateway {

void SubscriptionBook::Acquire(std::string channel) {
  size_t& count = counts_[channel];
  if (++count == 1) {
    on_change_(SubscriptionChange{SubscriptionChange::Action::kSubscribe, std::move(channel)});
  }
}

void SubscriptionBook::Release(const std::string& channel) {
  auto it = counts_.find(channel);
  HUBGATE_CHECK(it != counts_.end(), "a backplane channel is released more often than acquired");
  if (--it->second == 0) {
    counts_.erase(it);
    on_change_(SubscriptionChange{SubscriptionChange::Action::kUnsubscribe, channel});
  }
}

void SubscriptionBook::HubConfigured(std::string_view hub) {
  std::lock_guard lock(mutex_);
  Acquire(layout_.Hub(hub));
}

void SubscriptionBook::HubRemoved(std::string_view hub) {
  std::lock_guard lock(mutex_);
  Release(layout_.Hub(hub));
}

void SubscriptionBook::ConnectionOpened(std::string_view hub, std::string_view connection_id,
                                        std::string_view user_id) {
  // Names are built before locking: the critical section stays a few map operations.
  std::string connection = layout_.Connection(connection_id);
  std::string user = user_id.empty() ? std::string() : layout_.User(hub, user_id);
  std::lock_guard lock(mutex_);
  Acquire(std::move(connection));
  if (!user.empty()) {
    Acquire(std::move(user));
  }
}

void SubscriptionBook::ConnectionClosed(std::string_view hub, std::string_view connection_id,
                                        std::string_view user_id) {
  std::string connection = layout_.Connection(connection_id);
  std::string user = user_id.empty() ? std::string() : layout_.User(hub, user_id);
  std::lock_guard lock(mutex_);
  Release(connection);
  if (!user.empty()) {
    Release(user);
  }
}

void SubscriptionBook::ConnectionHeld(std::string_view connection_id) {
  std::string connection = layout_.Connection(connection_id);
  std::lock_guard lock(mutex_);
  Acquire(std::move(connection));
}

void SubscriptionBook::ConnectionReleased(std::string_view connection_id) {
  std::string connection = layout_.Connection(connection_id);
  std::lock_guard lock(mutex_);
  Release(connection);
}

void SubscriptionBook::JoinedGroup(std::string_view hub, std::string_view group) {
  std::string channel = layout_.Group(hub, group);
  std::lock_guard lock(mutex_);
  Acquire(std::move(channel));
}

void SubscriptionBook::LeftGroup(std::string_view hub, std::string_view group) {
  std::string channel = layout_.Group(hub, group);
  std::lock_guard lock(mutex_);
  Release(channel);
}

size_t SubscriptionBook::CountOf(std::string_view channel) const {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(AsAbsl(channel));
  return it == counts_.end() ? 0 : it->second;
}

size_t SubscriptionBook::channel_count() const {
  std::lock_guard lock(mutex_);
  return counts_.size();
}

std::vector<std::string> SubscriptionBook::Channels() const {
  std::vector<std::string> channels;
  {
    std::lock_guard lock(mutex_);
    channels.reserve(counts_.size());
    for (const auto& [channel, count] : counts_) {
      channels.push_back(channel);
    }
  }
  std::sort(channels.begin(), channels.end());
  return channels;
}

}  // namespace hubgate::gateway
