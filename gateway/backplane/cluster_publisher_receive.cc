// ClusterPublisher, the receiving half: what arrives from the backplane (pushes to deliver here,
// requests about connections held here, replies to this replica's requests) and the expiry of
// requests nobody answered. Everything here runs on the backplane's thread.
#include <utility>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "gateway/backplane/cluster_publisher.h"
#include "hubcore/hub_errors.h"

namespace hubgate::gateway {

namespace {
using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kSweepInterval{100};
}  // namespace

void ClusterPublisher::OnMessage(std::string_view channel, std::string_view payload) {
  absl::StatusOr<BackplaneEnvelope> envelope = codec_.Decode(payload);
  if (!envelope.ok()) {
    backplane_.metrics().Received("invalid");
    spdlog::warn("backplane: dropped a message on {}: {}", std::string(channel),
                 std::string(envelope.status().message()));
    return;
  }
  if (auto* push = std::get_if<BackplanePush>(&*envelope)) {
    OnPush(std::move(*push));
  } else if (auto* request = std::get_if<ConnectionRequest>(&*envelope)) {
    backplane_.metrics().Received("request");
    OnRequest(std::move(*request));
  } else {
    backplane_.metrics().Received("reply");
    OnReply(std::get<ConnectionReply>(std::move(*envelope)));
  }
}

void ClusterPublisher::OnPush(BackplanePush push) {
  // A push to several groups or users arrives once per channel held here; deliver it once.
  if (!recent_pushes_.FirstSeen(push.message_id, Clock::now())) {
    backplane_.metrics().Received("duplicate");
    return;
  }
  backplane_.metrics().Received("push");
  if (!HasHub(push.hub)) {
    return;  // a hub another replica has and this one does not (a rollout changing hubs)
  }
  auto message = std::make_shared<const hubcore::SerializedMessage>(
      hubcore::MessageType::kInvocation, std::move(push.json_frame),
      std::move(push.messagepack_frame));
  std::shared_ptr<PublishFanIn> fan_in;
  if (push.origin_replica == backplane_.replica_id()) {
    if (auto it = awaiting_echo_.find(push.message_id); it != awaiting_echo_.end()) {
      fan_in = std::move(it->second.fan_in);
      awaiting_echo_.erase(it);
    }
  }
  delivery_.Publish(push.hub, push.audience, std::move(message),
                    [this, fan_in](absl::StatusOr<hubcore::PublishOutcome> outcome) {
                      if (fan_in == nullptr) {
                        return;
                      }
                      // On a worker: the fan-in belongs to the backplane's thread.
                      backplane_.Post([this, fan_in, outcome = std::move(outcome)] {
                        if (outcome.ok()) {
                          fan_in->outcome.queued_connections = outcome->queued_connections;
                        }
                        FinishPart(fan_in);
                      });
                    });
}

void ClusterPublisher::OnRequest(ConnectionRequest request) {
  ConnectionReply reply;
  reply.request_id = request.request_id;
  reply.connection_id = request.connection_id;
  std::string replica = std::move(request.reply_replica);
  switch (request.action) {
    case ConnectionRequest::Action::kLocate:
      // Receiving it on the connection's channel means holding the connection.
      reply.found = true;
      reply.advertise_address = options_.advertise_address;
      SendReply(replica, std::move(reply));
      return;
    case ConnectionRequest::Action::kAddToGroup:
    case ConnectionRequest::Action::kRemoveFromGroup: {
      const bool add = request.action == ConnectionRequest::Action::kAddToGroup;
      std::string group_channel = backplane_.layout().Group(request.hub, request.group);
      // Runs on the connection's worker; the reply waits until a new group channel is
      // subscribed, so that a push to the group published after the answer reaches the member.
      auto answer = [this, add, replica = std::move(replica), reply = std::move(reply),
                     group_channel = std::move(group_channel)](
                        absl::StatusOr<bool> found) mutable {
        reply.found = found.ok() && *found;
        if (!add || !reply.found) {
          SendReply(replica, std::move(reply));
          return;
        }
        backplane_.WhenSubscribed(
            std::move(group_channel),
            [this, replica = std::move(replica), reply = std::move(reply)](absl::Status) mutable {
              SendReply(replica, std::move(reply));
            });
      };
      if (add) {
        delivery_.AddToGroup(request.hub, request.connection_id, request.group,
                             std::move(answer));
      } else {
        delivery_.RemoveFromGroup(request.hub, request.connection_id, request.group,
                                  std::move(answer));
      }
      return;
    }
    case ConnectionRequest::Action::kInvokeClient:
      delivery_.InvokeClient(
          request.hub, request.connection_id, std::move(request.method),
          std::move(request.arguments), request.timeout,
          [this, replica = std::move(replica), reply = std::move(reply)](
              absl::StatusOr<hubcore::ClientResult> result) mutable {
            reply.found = !absl::IsNotFound(result.status());
            if (reply.found) {
              reply.client_result = std::move(result);
            }
            SendReply(replica, std::move(reply));
          });
      return;
  }
}

void ClusterPublisher::SendReply(const std::string& replica, ConnectionReply reply) {
  absl::StatusOr<std::string> payload = codec_.Encode(BackplaneEnvelope(std::move(reply)));
  if (!payload.ok()) {
    spdlog::warn("backplane: cannot encode a reply to {}: {}", replica,
                 std::string(payload.status().message()));
    return;
  }
  backplane_.Publish(backplane_.layout().Replica(replica),
                     std::make_shared<const std::string>(*std::move(payload)),
                     [](absl::StatusOr<int64_t>) {});
}

void ClusterPublisher::OnReply(ConnectionReply reply) {
  auto it = pending_.find(reply.request_id);
  if (it == pending_.end() || it->second.connection_id != reply.connection_id) {
    return;  // answered after its deadline
  }
  ReplyCallback done = std::move(it->second.done);
  pending_.erase(it);
  std::move(done)(std::move(reply));
}

void ClusterPublisher::ScheduleSweep() {
  sweep_timer_->expires_after(kSweepInterval);
  sweep_timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec) {
      return;
    }
    ExpireRequests();
    ScheduleSweep();
  });
}

void ClusterPublisher::ExpireRequests() {
  const Clock::time_point now = Clock::now();
  std::vector<ReplyCallback> expired;
  std::vector<std::string> ids;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline <= now) {
      expired.push_back(std::move(it->second.done));
      ids.push_back(it->second.connection_id);
      pending_.erase(it++);
    } else {
      ++it;
    }
  }
  for (auto it = awaiting_echo_.begin(); it != awaiting_echo_.end();) {
    if (it->second.deadline <= now) {
      // Redis accepted the push but it never came back here: the connection to Redis was lost
      // in between (so the other replicas may have missed it too), or the channel was given
      // up meanwhile. Not confirmed delivered: say so.
      it->second.fan_in->failure = absl::UnavailableError(
          "the push was accepted by Redis but did not come back to this replica");
      FinishPart(it->second.fan_in);
      awaiting_echo_.erase(it++);
    } else {
      ++it;
    }
  }
  for (size_t i = 0; i < expired.size(); ++i) {
    std::move(expired[i])(absl::DeadlineExceededError(absl::StrCat(
        "the replica holding connection '", ids[i], "' did not answer in time")));
  }
}

}  // namespace hubgate::gateway
