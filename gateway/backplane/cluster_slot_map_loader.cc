#include "gateway/backplane/cluster_slot_map_loader.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"

namespace hubgate::gateway {
namespace {

// One load: the candidates left, and where the answer goes.
struct SlotMapLoad : std::enable_shared_from_this<SlotMapLoad> {
  net::io_context& io_context;
  RedisConnectionOptions options;
  std::vector<RedisNodeAddress> candidates;
  absl::AnyInvocable<void(absl::StatusOr<ClusterSlotMap>)> done;
  size_t next = 0;
  absl::Status last_failure = absl::UnavailableError("no Redis cluster node to ask");

  SlotMapLoad(net::io_context& io_context, RedisConnectionOptions options,
              std::vector<RedisNodeAddress> candidates,
              absl::AnyInvocable<void(absl::StatusOr<ClusterSlotMap>)> done)
      : io_context(io_context),
        options(std::move(options)),
        candidates(std::move(candidates)),
        done(std::move(done)) {}

  void TryNext() {
    if (next == candidates.size()) {
      done(absl::UnavailableError(absl::StrCat("no Redis cluster node answered CLUSTER SHARDS: ",
                                               last_failure.message())));
      return;
    }
    RedisConnectionOptions attempt = options;
    attempt.host = candidates[next].host;
    attempt.port = candidates[next].port;
    ++next;
    auto connection = RedisConnection::Create(io_context, attempt);
    connection->Connect([self = shared_from_this(), connection](absl::Status status) {
      if (!status.ok()) {
        self->Fail(std::move(status));
        return;
      }
      // A weak reference: the reply callback lives inside the connection it would otherwise
      // keep alive.
      std::weak_ptr<RedisConnection> weak_connection = connection;
      connection->Send({"CLUSTER", "SHARDS"}, [self, weak_connection,
                                               address = connection->address()](
                                                  absl::StatusOr<RedisReply> reply) {
        if (auto open = weak_connection.lock()) {
          open->Close();
        }
        self->OnReply(address, std::move(reply));
      });
    });
  }

  void OnReply(const std::string& address, absl::StatusOr<RedisReply> reply) {
    if (!reply.ok()) {
      Fail(reply.status());
      return;
    }
    if (reply->is_error()) {
      Fail(absl::UnavailableError(
          absl::StrCat("Redis node ", address, " refused CLUSTER SHARDS: ", reply->str())));
      return;
    }
    absl::StatusOr<ClusterSlotMap> map = ClusterSlotMap::FromClusterShards(*reply);
    if (map.ok() && map->empty()) {
      map = absl::UnavailableError(absl::StrCat("Redis node ", address, " knows no master"));
    }
    if (!map.ok()) {
      Fail(map.status());
      return;
    }
    done(*std::move(map));
  }

  // Failures arrive from completion handlers, so trying the next candidate here is never
  // inside LoadClusterSlotMap itself.
  void Fail(absl::Status failure) {
    last_failure = std::move(failure);
    TryNext();
  }
};

}  // namespace

void LoadClusterSlotMap(net::io_context& io_context, const RedisConnectionOptions& options,
                        std::vector<RedisNodeAddress> candidates,
                        absl::AnyInvocable<void(absl::StatusOr<ClusterSlotMap>)> done) {
  auto load = std::make_shared<SlotMapLoad>(io_context, options, std::move(candidates),
                                            std::move(done));
  if (load->candidates.empty()) {
    net::post(io_context, [load] { load->TryNext(); });
    return;
  }
  load->TryNext();
}

}  // namespace hubgate::gateway
