#include "gateway/runtime/local_publisher.h"

#include <atomic>
#include <memory>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "hubcore/connection_id.h"
#include "hubcore/hub_errors.h"

namespace hubgate::gateway {

namespace {

// One publish, shared by the tasks of the workers it goes to (one allocation per push, not per
// worker or recipient). The last worker to finish answers with the total.
class PublishJob {
 public:
  PublishJob(const std::string& hub, const hubcore::Audience& audience,
             hubcore::SerializedMessageConstSharedPtr message, size_t workers,
             hubcore::Publisher::CountCallback done)
      : hub_(hub),
        audience_(audience),
        message_(std::move(message)),
        remaining_(workers),
        done_(std::move(done)) {}

  // Runs on a worker's thread: delivers to that worker's share of the audience.
  void RunOn(Worker& worker) {
    uint64_t count = 0;
    if (const hubcore::HubIndex* index = worker.FindIndex(hub_)) {
      const hubcore::SerializedMessage& message = *message_;
      count = index->ForEachRecipient(
          audience_, [&message](hubcore::ConnectionSink& sink) { sink.Deliver(message); });
    }
    total_.fetch_add(count, std::memory_order_relaxed);
    if (remaining_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      std::move(done_)(total_.load(std::memory_order_relaxed));
    }
  }

 private:
  const std::string hub_;
  const hubcore::Audience audience_;
  const hubcore::SerializedMessageConstSharedPtr message_;
  std::atomic<size_t> remaining_;
  std::atomic<uint64_t> total_{0};
  hubcore::Publisher::CountCallback done_;
};

absl::Status HubNotConfigured(const std::string& hub) {
  return absl::NotFoundError(absl::StrCat("hub '", hub, "' is not configured"));
}

}  // namespace

std::optional<uint32_t> LocalPublisher::OwningWorker(std::string_view connection_id) const {
  // Modulo: a connection negotiated on another replica of a cluster may name a worker this
  // replica does not have; its transport then landed on that worker here (ConnectionRegistry).
  auto worker = hubcore::ConnectionId::WorkerOf(connection_id);
  if (!worker) {
    return std::nullopt;
  }
  return *worker % workers_.size();
}

void LocalPublisher::Publish(const std::string& hub, const hubcore::Audience& audience,
                             hubcore::SerializedMessageConstSharedPtr message,
                             CountCallback done) {
  if (!HasHub(hub)) {
    std::move(done)(HubNotConfigured(hub));
    return;
  }
  if (metrics_ != nullptr) {
    metrics_->Pushed(hub, audience);
  }
  // Which workers can hold a recipient: all of them, except for connection-id audiences.
  const uint32_t worker_count = workers_.size();
  absl::InlinedVector<uint32_t, 8> targets;
  if (audience.kind == hubcore::Audience::Kind::kConnections) {
    absl::InlinedVector<bool, 8> wanted(worker_count, false);
    for (const std::string& id : audience.names) {
      if (auto worker = OwningWorker(id)) {
        wanted[*worker] = true;
      }
    }
    for (uint32_t i = 0; i < worker_count; ++i) {
      if (wanted[i]) {
        targets.push_back(i);
      }
    }
  } else {
    for (uint32_t i = 0; i < worker_count; ++i) {
      targets.push_back(i);
    }
  }
  if (targets.empty()) {
    std::move(done)(uint64_t{0});
    return;
  }
  auto job = std::make_shared<PublishJob>(hub, audience, std::move(message), targets.size(),
                                          std::move(done));
  for (uint32_t index : targets) {
    Worker& worker = workers_.at(index);
    worker.Post([&worker, job] { job->RunOn(worker); });
  }
}

void LocalPublisher::ChangeGroup(const std::string& hub, const std::string& connection_id,
                                 const std::string& group, bool add, FoundCallback done) {
  if (!HasHub(hub)) {
    std::move(done)(HubNotConfigured(hub));
    return;
  }
  auto worker_index = OwningWorker(connection_id);
  if (!worker_index) {
    std::move(done)(false);
    return;
  }
  Worker& worker = workers_.at(*worker_index);
  worker.Post([&worker, hub, connection_id, group, add, done = std::move(done)]() mutable {
    hubcore::HubIndex& index = worker.IndexFor(hub);
    bool found = add ? index.AddToGroup(connection_id, group)
                     : index.RemoveFromGroup(connection_id, group);
    std::move(done)(found);
  });
}

void LocalPublisher::InvokeClient(const std::string& hub, const std::string& connection_id,
                                  std::string method, std::vector<hubcore::Value> arguments,
                                  std::chrono::milliseconds timeout, ClientResultCallback done) {
  if (!HasHub(hub)) {
    std::move(done)(HubNotConfigured(hub));
    return;
  }
  auto worker_index = OwningWorker(connection_id);
  if (!worker_index) {
    std::move(done)(absl::NotFoundError(hubcore::ConnectionDoesNotExistText(connection_id)));
    return;
  }
  Worker& worker = workers_.at(*worker_index);
  worker.Post([&worker, hub, connection_id, method = std::move(method),
               arguments = std::move(arguments), timeout, done = std::move(done)]() mutable {
    const hubcore::HubIndex* index = worker.FindIndex(hub);
    hubcore::ConnectionSink* sink = index ? index->FindConnection(connection_id) : nullptr;
    if (sink == nullptr) {
      std::move(done)(absl::NotFoundError(hubcore::ConnectionDoesNotExistText(connection_id)));
      return;
    }
    sink->InvokeClient(std::move(method), std::move(arguments),
                       std::chrono::steady_clock::now() + timeout, std::move(done));
  });
}

void LocalPublisher::AddToGroup(const std::string& hub, const std::string& connection_id,
                                const std::string& group, FoundCallback done) {
  ChangeGroup(hub, connection_id, group, /*add=*/true, std::move(done));
}

void LocalPublisher::RemoveFromGroup(const std::string& hub, const std::string& connection_id,
                                     const std::string& group, FoundCallback done) {
  ChangeGroup(hub, connection_id, group, /*add=*/false, std::move(done));
}

}  // namespace hubgate::gateway
