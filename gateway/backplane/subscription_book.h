#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "gateway/backplane/channel_layout.h"

namespace hubgate::gateway {

// A channel this replica starts or stops needing.
struct SubscriptionChange {
  enum class Action { kSubscribe, kUnsubscribe };
  Action action = Action::kSubscribe;
  std::string channel;
};

// How many local reasons this replica has to hold each backplane channel: one per configured
// hub (h:), per connection (c:), per connection of a user (u:) and per group membership (g:).
// Fed by the routing changes of every worker; reports a channel when its count goes 0 -> 1
// (subscribe) and 1 -> 0 (unsubscribe). Thread-safe.
//
// The callback runs with the book's lock held, so the changes of one channel are reported in the
// order they happened even when workers race (a subscribe can never overtake the unsubscribe
// before it). It must therefore only hand the change on (e.g. post it to the backplane's
// io_context) and never call back into the book.
//
// The feeders report real changes only: a join of a connection already in the group is not
// one, and a connection that closes leaves each of its groups (LeftGroup per membership).
// Releasing a channel that is not held is a bug (crash).
class SubscriptionBook {
 public:
  using ChangeCallback = absl::AnyInvocable<void(const SubscriptionChange&)>;

  SubscriptionBook(ChannelLayout layout, ChangeCallback on_change)
      : layout_(std::move(layout)), on_change_(std::move(on_change)) {}

  void HubConfigured(std::string_view hub);
  void HubRemoved(std::string_view hub);
  // user_id may be empty (an anonymous connection needs no user channel).
  void ConnectionOpened(std::string_view hub, std::string_view connection_id,
                        std::string_view user_id);
  void ConnectionClosed(std::string_view hub, std::string_view connection_id,
                        std::string_view user_id);
  // The connection registry holds / let go of a connection (its c: channel only).
  void ConnectionHeld(std::string_view connection_id);
  void ConnectionReleased(std::string_view connection_id);
  // One connection joined / left the group.
  void JoinedGroup(std::string_view hub, std::string_view group);
  void LeftGroup(std::string_view hub, std::string_view group);

  // 0 for a channel that is not held.
  size_t CountOf(std::string_view channel) const;
  size_t channel_count() const;
  // Every held channel, sorted (e.g. to resubscribe after a reconnect).
  std::vector<std::string> Channels() const;

  const ChannelLayout& layout() const { return layout_; }

 private:
  // Both run with mutex_ held.
  void Acquire(std::string channel);
  void Release(const std::string& channel);

  const ChannelLayout layout_;
  // std::mutex, not absl::Mutex: Debian's abseil is not built for ThreadSanitizer, which then
  // cannot see absl::Mutex's ordering and reports the guarded map as racing.
  mutable std::mutex mutex_;
  absl::flat_hash_map<std::string, size_t> counts_;  // guarded by mutex_
  ChangeCallback on_change_;                          // called with mutex_ held
};

}  // namespace hubgate::gateway
