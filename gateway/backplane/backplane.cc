#include "gateway/backplane/backplane.h"

#include <chrono>
#include <utility>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "hubcore/check.h"

namespace hubgate::gateway {

absl::StatusOr<std::unique_ptr<Backplane>> Backplane::Create(BackplaneOptions options,
                                                             Metrics& metrics) {
  HUBGATE_CHECK(!options.replica_id.empty(), "a backplane needs a replica id");
  absl::StatusOr<ChannelLayout> layout = ChannelLayout::Create(options.channel_prefix);
  if (!layout.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("backplane.channel_prefix: ", layout.status().message()));
  }
  auto backplane = std::make_unique<Backplane>(std::move(options), *std::move(layout), metrics);
  if (backplane->pub_sub_ == nullptr) {
    return absl::InvalidArgumentError("backplane.addresses: not host:port");
  }
  return backplane;
}

Backplane::Backplane(BackplaneOptions options, ChannelLayout layout, Metrics& metrics)
    : replica_id_(std::move(options.replica_id)),
      hubs_(std::move(options.hubs)),
      metrics_(metrics),
      book_(std::move(layout),
            [this](const SubscriptionChange& change) { OnChange(change); }) {
  absl::StatusOr<std::shared_ptr<ShardedPubSub>> pub_sub =
      ShardedPubSub::Create(io_context_, std::move(options.redis));
  if (pub_sub.ok()) {
    pub_sub_ = *std::move(pub_sub);
  }
}

Backplane::~Backplane() { HUBGATE_CHECK(!thread_.joinable(), "Backplane::Stop was not called"); }

void Backplane::Start(MessageCallback on_message) {
  pub_sub_->SetMessageCallback(std::move(on_message));
  pub_sub_->SetStateCallback(
      [this](bool connected, const absl::Status& reason) { OnState(connected, reason); });
  // Held for life: every replica hears the broadcasts of every hub and its own replies.
  pub_sub_->Subscribe(layout().Replica(replica_id_));
  for (const std::string& hub : hubs_) {
    book_.HubConfigured(hub);
  }
  pub_sub_->Start();
  thread_ = std::thread([this] {
    auto guard = net::make_work_guard(io_context_);
    io_context_.run();
  });
}

void Backplane::Stop() {
  if (!thread_.joinable()) {
    return;
  }
  net::post(io_context_, [this] {
    pub_sub_->Stop();
    io_context_.stop();
  });
  thread_.join();
}

void Backplane::Post(absl::AnyInvocable<void() &&> fn) {
  net::post(io_context_, [fn = std::move(fn)]() mutable { std::move(fn)(); });
}

void Backplane::Publish(std::string channel, std::shared_ptr<const std::string> payload,
                        ShardedPubSub::PublishCallback done) {
  Post([this, channel = std::move(channel), payload = std::move(payload),
        done = std::move(done)]() mutable {
    const auto started = std::chrono::steady_clock::now();
    pub_sub_->Publish(channel, *payload,
                      [this, started, done = std::move(done)](
                          absl::StatusOr<int64_t> receivers) mutable {
                        const std::chrono::duration<double> took =
                            std::chrono::steady_clock::now() - started;
                        metrics_.Published(receivers.ok()                      ? "ok"
                                           : absl::IsUnavailable(receivers.status()) ? "unavailable"
                                                                                      : "refused",
                                           took.count());
                        done(std::move(receivers));
                      });
  });
}

std::string Backplane::StateDetail() const {
  std::lock_guard<std::mutex> lock(state_mutex_);
  return state_detail_;
}

void Backplane::OnState(bool connected, const absl::Status& reason) {
  {
    std::lock_guard<std::mutex> lock(state_mutex_);
    state_detail_ = connected ? "connected" : absl::StrCat("disconnected: ", reason.message());
  }
  connected_.store(connected, std::memory_order_release);
  metrics_.SetConnected(connected);
  if (connected) {
    if (was_connected_) {
      metrics_.Reconnected();
    }
    was_connected_ = true;
    spdlog::info("backplane: connected to Redis ({} channels)", pub_sub_->subscription_count());
  } else {
    spdlog::warn("backplane: Redis unreachable, pushes that need other replicas fail until it "
                 "is back: {}",
                 std::string(reason.message()));
  }
}

void Backplane::OnChange(const SubscriptionChange& change) {
  // Under the book's lock: hand the change on in order and return.
  Post([this, change]() {
    if (change.action == SubscriptionChange::Action::kSubscribe) {
      pub_sub_->Subscribe(change.channel);
    } else {
      pub_sub_->Unsubscribe(change.channel);
    }
    metrics_.SetSubscriptions(pub_sub_->subscription_count());
  });
}

void Backplane::ConnectionOpened(std::string_view hub, std::string_view connection_id,
                                 std::string_view user_id) {
  book_.ConnectionOpened(hub, connection_id, user_id);
}

void Backplane::ConnectionClosed(std::string_view hub, std::string_view connection_id,
                                 std::string_view user_id) {
  book_.ConnectionClosed(hub, connection_id, user_id);
}

void Backplane::JoinedGroup(std::string_view hub, std::string_view group) {
  book_.JoinedGroup(hub, group);
}

void Backplane::LeftGroup(std::string_view hub, std::string_view group) {
  book_.LeftGroup(hub, group);
}

void Backplane::WhenSubscribed(std::string channel,
                               absl::AnyInvocable<void(absl::Status) &&> done) {
  // Posted after the Subscribe the routing change posted (same order from one worker).
  Post([this, channel = std::move(channel), done = std::move(done)]() mutable {
    pub_sub_->WhenSubscribed(channel, [done = std::move(done)](absl::Status status) mutable {
      std::move(done)(std::move(status));
    });
  });
}

void Backplane::ClaimOnce(std::string_view connection_id, std::chrono::milliseconds ttl,
                          absl::AnyInvocable<void(absl::StatusOr<bool>) &&> done) {
  // A key, not a channel: the one piece of cluster state kept in Redis, gone by itself at the
  // claim deadline. Its name shares the connection channel's slot ({...} hash tag not needed:
  // it is the channel name plus a suffix kind, so it lives on the same layout rules).
  std::string key = absl::StrCat(layout().Connection(connection_id), ":claimed");
  Post([this, key = std::move(key), ttl, done = std::move(done)]() mutable {
    pub_sub_->SetIfAbsent(key, ttl, [done = std::move(done)](absl::StatusOr<bool> set) mutable {
      std::move(done)(std::move(set));
    });
  });
}

void Backplane::WhenRoutable(std::string_view hub, std::string_view connection_id,
                             std::string_view user_id, absl::AnyInvocable<void() &&> done) {
  // The user channel, if any, was subscribed with the connection channel (one routing change):
  // waiting for the later of the two in the same order is enough.
  std::string user_channel = user_id.empty() ? "" : layout().User(hub, user_id);
  WhenSubscribed(layout().Connection(connection_id),
                 [this, user_channel = std::move(user_channel),
                  done = std::move(done)](absl::Status) mutable {
                   if (user_channel.empty()) {
                     std::move(done)();
                     return;
                   }
                   pub_sub_->WhenSubscribed(user_channel,
                                            [done = std::move(done)](absl::Status) mutable {
                                              std::move(done)();
                                            });
                 });
}

}  // namespace hubgate::gateway
