#include "gateway/backplane/redis_node_link.h"

#include <utility>

namespace hubgate::gateway {

std::shared_ptr<RedisNodeLink> RedisNodeLink::Create(net::io_context& io_context,
                                                     RedisNodeAddress address,
                                                     RedisConnectionOptions options,
                                                     Callbacks callbacks) {
  return std::make_shared<RedisNodeLink>(io_context, std::move(address), std::move(options),
                                         std::move(callbacks));
}

RedisNodeLink::RedisNodeLink(net::io_context& io_context, RedisNodeAddress address,
                             RedisConnectionOptions options, Callbacks callbacks)
    : address_(std::move(address)),
      name_(address_.ToString()),
      callbacks_(std::move(callbacks)),
      drain_timer_(io_context) {
  options.host = address_.host;
  options.port = address_.port;
  publisher_ = RedisConnection::Create(io_context, options);
  subscriber_ = RedisConnection::Create(io_context, options);
}

void RedisNodeLink::Connect(absl::AnyInvocable<void()> on_up) {
  std::weak_ptr<RedisNodeLink> weak = weak_from_this();
  subscriber_->SetPushCallback([weak](const RedisReply& push) {
    if (auto self = weak.lock()) {
      self->OnPush(push);
    }
  });
  auto on_closed = [weak](absl::Status reason) {
    if (auto self = weak.lock()) {
      self->Down(std::move(reason));
    }
  };
  publisher_->SetClosedCallback([weak](absl::Status reason) {
    if (auto self = weak.lock()) {
      self->PublisherLost(std::move(reason));
    }
  });
  subscriber_->SetClosedCallback(on_closed);
  // Both connect attempts share on_up; it runs when the second one opens.
  auto shared_on_up = std::make_shared<absl::AnyInvocable<void()>>(std::move(on_up));
  auto on_connected = [weak, shared_on_up](absl::Status status) {
    auto self = weak.lock();
    if (!self || self->done_) {
      return;
    }
    if (!status.ok()) {
      self->Down(std::move(status));
      return;
    }
    if (++self->open_connections_ == 2) {
      self->up_ = true;
      (*shared_on_up)();
    }
  };
  publisher_->Connect(on_connected);
  subscriber_->Connect(on_connected);
}

// A server that shuts down closes both connections; messages it wrote to the subscriber just
// before may still wait in that socket when the publish connection's end is noticed. The link
// stops taking commands at once, but lets the subscriber read what arrived (its own end, or
// kSubscriberDrain, ends the link), so that pushes Redis accepted are not dropped here.
void RedisNodeLink::PublisherLost(absl::Status reason) {
  if (done_) {
    return;
  }
  if (!up_) {
    Down(std::move(reason));
    return;
  }
  up_ = false;
  std::weak_ptr<RedisNodeLink> weak = weak_from_this();
  drain_timer_.expires_after(kSubscriberDrain);
  drain_timer_.async_wait([weak, reason = std::move(reason)](error_code ec) mutable {
    auto self = weak.lock();
    if (!ec && self) {
      self->Down(std::move(reason));
    }
  });
}

void RedisNodeLink::Close() {
  done_ = true;
  up_ = false;
  drain_timer_.cancel();
  publisher_->Close();
  subscriber_->Close();
}

void RedisNodeLink::Down(absl::Status reason) {
  if (done_) {
    return;
  }
  Close();
  subscriptions_.clear();
  if (callbacks_.on_down) {
    callbacks_.on_down(std::move(reason));
  }
}

void RedisNodeLink::Publish(std::string_view channel, std::string_view payload, bool asking,
                            RedisConnection::ReplyCallback on_reply) {
  if (asking) {
    publisher_->Send({"ASKING"}, [](absl::StatusOr<RedisReply>) {});
  }
  publisher_->Send({"SPUBLISH", channel, payload}, std::move(on_reply));
}

void RedisNodeLink::Subscribe(const std::string& channel, RedisConnection::ReplyCallback on_reply) {
  subscriptions_[channel] = false;
  std::weak_ptr<RedisNodeLink> weak = weak_from_this();
  subscriber_->SendSubscription(
      "SSUBSCRIBE", channel,
      [weak, channel, on_reply = std::move(on_reply)](absl::StatusOr<RedisReply> reply) mutable {
        auto self = weak.lock();
        if (self && reply.ok() && !reply->is_error()) {
          auto held = self->subscriptions_.find(channel);
          if (held != self->subscriptions_.end()) {
            held->second = true;
          }
        }
        on_reply(std::move(reply));
      });
}

void RedisNodeLink::Unsubscribe(const std::string& channel) {
  if (subscriptions_.erase(channel) == 0) {
    return;
  }
  subscriber_->SendSubscription("SUNSUBSCRIBE", channel, [](absl::StatusOr<RedisReply>) {});
}

size_t RedisNodeLink::confirmed_subscriptions() const {
  size_t confirmed = 0;
  for (const auto& [channel, is_confirmed] : subscriptions_) {
    confirmed += is_confirmed ? 1 : 0;
  }
  return confirmed;
}

void RedisNodeLink::OnPush(const RedisReply& push) {
  const std::vector<RedisReply>& items = push.elements();
  const std::string& kind = items[0].str();
  if (kind == "smessage" && items.size() == 3) {
    if (callbacks_.on_message) {
      callbacks_.on_message(items[1].str(), items[2].str());
    }
  } else if (kind == "sunsubscribe" && Holds(items[1].str())) {
    // Our own SUNSUBSCRIBE dropped the channel from subscriptions_ before it was sent, so a
    // held channel means the server let go of it (its slot moved).
    std::string channel = items[1].str();
    subscriptions_.erase(channel);
    if (callbacks_.on_server_unsubscribed) {
      callbacks_.on_server_unsubscribed(channel);
    }
  }
}

}  // namespace hubgate::gateway
