#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/backplane/sharded_pub_sub.h"
#include "hubcore/check.h"
#include "tests/gateway/backplane/redis_server_fixture.h"

namespace hubgate::gateway::testing {

// Builds a ShardedPubSub on the test's io_context and records what it reports: messages, state
// changes and publish outcomes.
class PubSubRecorder {
 public:
  PubSubRecorder(net::io_context& io_context, ShardedPubSubOptions options)
      : io_context_(io_context) {
    absl::StatusOr<ShardedPubSubPtr> created = ShardedPubSub::Create(io_context, options);
    HUBGATE_CHECK(created.ok(), "test options are valid");
    pub_sub_ = *created;
    pub_sub_->SetMessageCallback([this](std::string_view channel, std::string_view payload) {
      messages.emplace_back(std::string(channel), std::string(payload));
    });
    pub_sub_->SetStateCallback([this](bool connected, const absl::Status& reason) {
      states.emplace_back(connected, reason);
    });
  }
  ~PubSubRecorder() { pub_sub_->Stop(); }

  ShardedPubSub& operator*() { return *pub_sub_; }
  ShardedPubSub* operator->() { return pub_sub_.get(); }

  // Publishes and runs the loop until done has run.
  absl::Status PublishNow(std::string_view channel, std::string_view payload) {
    return PublishCounted(channel, payload).status();
  }
  // Publishes and returns SPUBLISH's receiver count.
  absl::StatusOr<int64_t> PublishCounted(std::string_view channel, std::string_view payload) {
    std::optional<absl::StatusOr<int64_t>> outcome;
    pub_sub_->Publish(channel, payload,
                      [&](absl::StatusOr<int64_t> receivers) { outcome = receivers; });
    if (!RunUntil(io_context_, [&] { return outcome.has_value(); })) {
      return absl::DeadlineExceededError("publish never completed");
    }
    return *outcome;
  }
  // Waits for WhenSubscribed's answer.
  absl::Status WaitSubscribed(std::string_view channel) {
    std::optional<absl::Status> outcome;
    pub_sub_->WhenSubscribed(channel, [&](absl::Status status) { outcome = status; });
    if (!RunUntil(io_context_, [&] { return outcome.has_value(); })) {
      return absl::DeadlineExceededError("WhenSubscribed never answered");
    }
    return *outcome;
  }

  // Runs until every subscription held is confirmed by the servers (and it is connected).
  bool Settle() {
    return RunUntil(io_context_, [&] {
      return pub_sub_->connected() &&
             pub_sub_->confirmed_subscriptions() == pub_sub_->subscription_count();
    });
  }

  bool RunUntilMessages(size_t count) {
    return RunUntil(io_context_, [&] { return messages.size() >= count; });
  }

  std::vector<std::pair<std::string, std::string>> messages;
  std::vector<std::pair<bool, absl::Status>> states;

 private:
  net::io_context& io_context_;
  ShardedPubSubPtr pub_sub_;
};

}  // namespace hubgate::gateway::testing
