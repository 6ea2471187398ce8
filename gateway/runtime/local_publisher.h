#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "gateway/ops/metrics.h"
#include "gateway/runtime/worker_pool.h"
#include "hubcore/publisher.h"

namespace hubgate::gateway {

// Delivers pushes to this process's connections. A group, user or broadcast send becomes one
// task per worker (not one per connection); each worker resolves the audience in its own index
// shard and queues the shared frame on its sessions. Single-connection operations go only to
// the worker whose index is encoded in the connection id.
class LocalPublisher final : public hubcore::Publisher {
 public:
  // `metrics` may be null (no counting).
  LocalPublisher(WorkerPool& workers, absl::flat_hash_set<std::string> hubs,
                 Metrics* metrics = nullptr)
      : workers_(workers), hubs_(std::move(hubs)), metrics_(metrics) {}

  bool HasHub(const std::string& hub) const override { return hubs_.contains(hub); }
  void Publish(const std::string& hub, const hubcore::Audience& audience,
               hubcore::SerializedMessageConstSharedPtr message, CountCallback done) override;
  void AddToGroup(const std::string& hub, const std::string& connection_id,
                  const std::string& group, FoundCallback done) override;
  void RemoveFromGroup(const std::string& hub, const std::string& connection_id,
                       const std::string& group, FoundCallback done) override;
  void InvokeClient(const std::string& hub, const std::string& connection_id, std::string method,
                    std::vector<hubcore::Value> arguments, std::chrono::milliseconds timeout,
                    ClientResultCallback done) override;

 private:
  // The worker encoded in a connection id (modulo the worker count), if it is well-formed.
  std::optional<uint32_t> OwningWorker(std::string_view connection_id) const;
  void ChangeGroup(const std::string& hub, const std::string& connection_id,
                   const std::string& group, bool add, FoundCallback done);

  WorkerPool& workers_;
  const absl::flat_hash_set<std::string> hubs_;
  Metrics* metrics_;
};

}  // namespace hubgate::gateway
