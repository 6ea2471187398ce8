#include "gateway/backplane/cluster_publisher.h"

#include <atomic>
#include <mutex>
#include <utility>

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "hubcore/check.h"
#include "hubcore/hub_errors.h"

namespace hubgate::gateway {

namespace {

using Clock = std::chrono::steady_clock;

absl::Status HubNotConfigured(const std::string& hub) {
  return absl::NotFoundError(absl::StrCat("hub '", hub, "' is not configured"));
}

std::string NewMessageId() {
  unsigned char bytes[12];
  HUBGATE_CHECK(RAND_bytes(bytes, sizeof bytes) == 1, "no randomness for a message id");
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

// The channels a push to `audience` is published to: one per listed name.
std::vector<std::string> ChannelsOf(const ChannelLayout& layout, const std::string& hub,
                                    const hubcore::Audience& audience) {
  std::vector<std::string> channels;
  absl::flat_hash_set<std::string> seen;
  auto add = [&](std::string channel) {
    if (seen.insert(channel).second) channels.push_back(std::move(channel));
  };
  switch (audience.kind) {
    case hubcore::Audience::Kind::kAll:
      add(layout.Hub(hub));
      break;
    case hubcore::Audience::Kind::kGroups:
      for (const std::string& group : audience.names) add(layout.Group(hub, group));
      break;
    case hubcore::Audience::Kind::kUsers:
      for (const std::string& user : audience.names) add(layout.User(hub, user));
      break;
    case hubcore::Audience::Kind::kConnections:
      for (const std::string& id : audience.names) add(layout.Connection(id));
      break;
  }
  return channels;
}

}  // namespace

void ClusterPublisher::FinishPart(const std::shared_ptr<PublishFanIn>& fan_in) {
  if (--fan_in->remaining > 0) {
    return;
  }
  if (!fan_in->failure.ok()) {
    std::move(fan_in->done)(absl::UnavailableError(absl::StrCat(
        "push not delivered everywhere: ", BackplaneDownText(), ": ",
        fan_in->failure.message())));
    return;
  }
  std::move(fan_in->done)(fan_in->outcome);
}

ClusterPublisher::ClusterPublisher(WorkerPool& workers, absl::flat_hash_set<std::string> hubs,
                                   Backplane& backplane, Options options, Metrics* metrics)
    : backplane_(backplane),
      hubs_(hubs),
      options_(std::move(options)),
      metrics_(metrics),
      local_(workers, hubs, metrics),
      delivery_(workers, hubs, nullptr),
      recent_pushes_(100'000, std::chrono::seconds(10)) {}

void ClusterPublisher::Start() {
  sweep_timer_ = std::make_unique<net::steady_timer>(backplane_.io_context());
  backplane_.Start([this](std::string_view channel, std::string_view payload) {
    OnMessage(channel, payload);
  });
  backplane_.Post([this] { ScheduleSweep(); });
}

void ClusterPublisher::Stop() {
  backplane_.Post([this] { sweep_timer_->cancel(); });
  backplane_.Stop();
  // Nothing runs on the backplane's thread any more: fail what still waits.
  for (auto& [id, pending] : pending_) {
    std::move(pending.done)(absl::UnavailableError("the gateway is shutting down"));
  }
  pending_.clear();
  for (auto& [id, awaited] : awaiting_echo_) {
    FinishPart(awaited.fan_in);
  }
  awaiting_echo_.clear();
}

std::string ClusterPublisher::BackplaneDownText() const {
  return absl::StrCat("the backplane (Redis) is unavailable (", backplane_.StateDetail(), ")");
}

void ClusterPublisher::Publish(const std::string& hub, const hubcore::Audience& audience,
                               hubcore::SerializedMessageConstSharedPtr message,
                               CountCallback done) {
  if (!HasHub(hub)) {
    std::move(done)(HubNotConfigured(hub));
    return;
  }
  if (!backplane_.connected()) {
    PublishLocallyOnly(hub, audience, std::move(message), std::move(done));
    return;
  }
  if (metrics_ != nullptr) {
    metrics_->Pushed(hub, audience);
  }
  BackplanePush push;
  push.message_id = NewMessageId();
  const std::string message_id = push.message_id;
  push.origin_replica = backplane_.replica_id();
  push.hub = hub;
  push.audience = audience;
  if (const auto* invocation = std::get_if<hubcore::InvocationMessage>(&message->message())) {
    push.method = invocation->target;
  }
  push.json_frame = message->FrameFor(hubcore::HubProtocol::kJson);
  push.messagepack_frame = message->FrameFor(hubcore::HubProtocol::kMessagePack);
  absl::StatusOr<std::string> payload = codec_.Encode(BackplaneEnvelope(std::move(push)));
  if (!payload.ok()) {
    std::move(done)(payload.status());
    return;
  }
  std::vector<std::string> channels = ChannelsOf(backplane_.layout(), hub, audience);
  if (channels.empty()) {
    std::move(done)(hubcore::PublishOutcome{});
    return;
  }
  // This replica delivers its own share when the push comes back from Redis (that keeps the
  // order of pushes taken by different replicas); the answer waits for that count when one of
  // the channels is held here.
  bool echo_expected = false;
  for (const std::string& channel : channels) {
    echo_expected = echo_expected || backplane_.Holds(channel);
  }
  auto shared_payload = std::make_shared<const std::string>(*std::move(payload));
  auto fan_in =
      std::make_shared<PublishFanIn>(channels.size() + (echo_expected ? 1 : 0), std::move(done));
  if (echo_expected) {
    backplane_.Post([this, fan_in, id = message_id] {
      awaiting_echo_[id] = AwaitedEcho{Clock::now() + options_.request_timeout, fan_in};
    });
  }
  for (std::string& channel : channels) {
    backplane_.Publish(std::move(channel), shared_payload,
                       [this, fan_in](absl::StatusOr<int64_t> receivers) {
                         if (!receivers.ok()) {
                           fan_in->failure = receivers.status();
                         } else {
                           fan_in->outcome.replicas_reached += static_cast<uint64_t>(*receivers);
                         }
                         FinishPart(fan_in);
                       });
  }
}

void ClusterPublisher::PublishLocallyOnly(const std::string& hub,
                                          const hubcore::Audience& audience,
                                          hubcore::SerializedMessageConstSharedPtr message,
                                          CountCallback done) {
  size_t listed = 0;
  if (audience.kind == hubcore::Audience::Kind::kConnections) {
    listed = absl::flat_hash_set<std::string>(audience.names.begin(), audience.names.end()).size();
  }
  const bool connections = audience.kind == hubcore::Audience::Kind::kConnections;
  local_.Publish(
      hub, audience, std::move(message),
      [this, connections, listed,
       done = std::move(done)](absl::StatusOr<hubcore::PublishOutcome> count) mutable {
        if (!count.ok() || (connections && count->queued_connections == listed)) {
          std::move(done)(count);  // every listed connection is here: nothing was missed
          return;
        }
        std::move(done)(absl::UnavailableError(absl::StrCat(
            BackplaneDownText(), ": the push reached the ", count->queued_connections,
            " connection(s) on this replica, not those on other replicas")));
      });
}

void ClusterPublisher::Request(ConnectionRequest request, std::chrono::milliseconds wait,
                               ReplyCallback done) {
  backplane_.Post([this, request = std::move(request), wait, done = std::move(done)]() mutable {
    request.request_id = ++next_request_id_;
    request.reply_replica = backplane_.replica_id();
    const uint64_t id = request.request_id;
    const std::string channel = backplane_.layout().Connection(request.connection_id);
    const std::string connection_id = request.connection_id;
    absl::StatusOr<std::string> payload = codec_.Encode(BackplaneEnvelope(std::move(request)));
    if (!payload.ok()) {
      std::move(done)(payload.status());
      return;
    }
    pending_[id] = PendingRequest{Clock::now() + wait, connection_id, std::move(done)};
    backplane_.Publish(channel, std::make_shared<const std::string>(*std::move(payload)),
                       [this, id, connection_id](absl::StatusOr<int64_t> receivers) {
                         if (receivers.ok() && *receivers > 0) {
                           return;  // the holder answers on our channel
                         }
                         auto it = pending_.find(id);
                         if (it == pending_.end()) {
                           return;
                         }
                         ReplyCallback done = std::move(it->second.done);
                         pending_.erase(it);
                         if (!receivers.ok()) {
                           std::move(done)(absl::UnavailableError(absl::StrCat(
                               BackplaneDownText(), ": ", receivers.status().message())));
                           return;
                         }
                         ConnectionReply not_found;
                         not_found.request_id = id;
                         not_found.connection_id = connection_id;
                         std::move(done)(std::move(not_found));
                       });
  });
}

void ClusterPublisher::ChangeGroup(const std::string& hub, const std::string& connection_id,
                                   const std::string& group, bool add, FoundCallback done) {
  if (!HasHub(hub)) {
    std::move(done)(HubNotConfigured(hub));
    return;
  }
  if (!backplane_.connected()) {
    auto local_answer = [this, connection_id, done = std::move(done)](
                            absl::StatusOr<bool> found) mutable {
      if (!found.ok() || *found) {
        std::move(done)(found);
        return;
      }
      std::move(done)(absl::UnavailableError(
          absl::StrCat(BackplaneDownText(), ": connection '", connection_id,
                       "' is not on this replica and the others cannot be asked")));
    };
    if (add) {
      local_.AddToGroup(hub, connection_id, group, std::move(local_answer));
    } else {
      local_.RemoveFromGroup(hub, connection_id, group, std::move(local_answer));
    }
    return;
  }
  ConnectionRequest request;
  request.hub = hub;
  request.connection_id = connection_id;
  request.group = group;
  request.action = add ? ConnectionRequest::Action::kAddToGroup
                       : ConnectionRequest::Action::kRemoveFromGroup;
  Request(std::move(request), options_.request_timeout,
          [done = std::move(done)](absl::StatusOr<ConnectionReply> reply) mutable {
            if (!reply.ok()) {
              std::move(done)(reply.status());
              return;
            }
            std::move(done)(reply->found);
          });
}

void ClusterPublisher::AddToGroup(const std::string& hub, const std::string& connection_id,
                                  const std::string& group, FoundCallback done) {
  ChangeGroup(hub, connection_id, group, /*add=*/true, std::move(done));
}

void ClusterPublisher::RemoveFromGroup(const std::string& hub, const std::string& connection_id,
                                       const std::string& group, FoundCallback done) {
  ChangeGroup(hub, connection_id, group, /*add=*/false, std::move(done));
}

void ClusterPublisher::InvokeClient(const std::string& hub, const std::string& connection_id,
                                    std::string method, std::vector<hubcore::Value> arguments,
                                    std::chrono::milliseconds timeout,
                                    ClientResultCallback done) {
  if (!HasHub(hub)) {
    std::move(done)(HubNotConfigured(hub));
    return;
  }
  if (!backplane_.connected()) {
    local_.InvokeClient(
        hub, connection_id, std::move(method), std::move(arguments), timeout,
        [this, connection_id, done = std::move(done)](
            absl::StatusOr<hubcore::ClientResult> result) mutable {
          if (absl::IsNotFound(result.status())) {
            std::move(done)(absl::UnavailableError(
                absl::StrCat(BackplaneDownText(), ": connection '", connection_id,
                             "' is not on this replica and the others cannot be asked")));
            return;
          }
          std::move(done)(std::move(result));
        });
    return;
  }
  ConnectionRequest request;
  request.hub = hub;
  request.connection_id = connection_id;
  request.action = ConnectionRequest::Action::kInvokeClient;
  request.method = std::move(method);
  request.arguments = std::move(arguments);
  request.timeout = timeout;
  Request(std::move(request), timeout + options_.request_timeout,
          [connection_id, done = std::move(done)](absl::StatusOr<ConnectionReply> reply) mutable {
            if (!reply.ok()) {
              std::move(done)(reply.status());
            } else if (!reply->found) {
              std::move(done)(
                  absl::NotFoundError(hubcore::ConnectionDoesNotExistText(connection_id)));
            } else if (!reply->client_result.has_value()) {
              std::move(done)(absl::InternalError("the holder's reply carries no result"));
            } else {
              std::move(done)(*std::move(reply->client_result));
            }
          });
}

void ClusterPublisher::Locate(const std::string& hub, const std::string& connection_id,
                              LocateCallback done) {
  if (!backplane_.connected()) {
    std::move(done)(absl::UnavailableError(BackplaneDownText()));
    return;
  }
  ConnectionRequest request;
  request.hub = hub;
  request.connection_id = connection_id;
  request.action = ConnectionRequest::Action::kLocate;
  Request(std::move(request), options_.request_timeout,
          [done = std::move(done)](absl::StatusOr<ConnectionReply> reply) mutable {
            if (!reply.ok()) {
              std::move(done)(reply.status());
            } else if (!reply->found) {
              std::move(done)(absl::NotFoundError("no replica holds the connection"));
            } else {
              std::move(done)(std::move(reply->advertise_address));
            }
          });
}

}  // namespace hubgate::gateway
