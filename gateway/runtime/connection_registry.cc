#include "gateway/runtime/connection_registry.h"

#include "gateway/runtime/cluster_routing.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdlib>
#include <functional>

#include "absl/hash/hash.h"
#include "absl/strings/escaping.h"
#include "gateway/ops/metrics.h"
#include "hubcore/check.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

std::array<uint8_t, 16> RandomBytes16() {
  std::array<uint8_t, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    spdlog::critical("OpenSSL RAND_bytes failed; refusing to issue predictable tokens");
    std::abort();
  }
  return bytes;
}

std::string NewRandomToken() {
  auto bytes = RandomBytes16();
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

void ConnectionRegistry::Configure(Limits limits, const std::vector<std::string>& hubs,
                                   Metrics* metrics) {
  limits_ = limits;
  metrics_ = metrics;
  hub_unclaimed_.clear();
  for (const std::string& hub : hubs) {
    hub_unclaimed_[hub] = std::make_unique<std::atomic<int64_t>>(0);
  }
}

ConnectionRegistry::Shard& ConnectionRegistry::ShardOf(const std::string& token) const {
  return shards_[absl::HashOf(token) % kShards];
}

ConnectionRegistry::CountShard& ConnectionRegistry::CountShardOf(
    std::array<CountShard, kShards>& shards, const std::string& key) {
  return shards[absl::HashOf(key) % kShards];
}

bool ConnectionRegistry::TryCount(std::array<CountShard, kShards>& shards,
                                  const std::string& key, int64_t limit) {
  CountShard& shard = CountShardOf(shards, key);
  absl::MutexLock lock(&shard.mutex);
  int64_t& count = shard.counts[key];
  if (limit > 0 && count >= limit) {
    if (count == 0) {
      shard.counts.erase(key);
    }
    return false;
  }
  ++count;
  return true;
}

void ConnectionRegistry::Uncount(std::array<CountShard, kShards>& shards,
                                 const std::string& key) {
  CountShard& shard = CountShardOf(shards, key);
  absl::MutexLock lock(&shard.mutex);
  auto it = shard.counts.find(key);
  HUBGATE_CHECK(it != shard.counts.end() && it->second > 0, "a counted entry is uncounted once");
  if (--it->second == 0) {
    shard.counts.erase(it);
  }
}

std::atomic<int64_t>* ConnectionRegistry::HubUnclaimed(const std::string& hub) {
  auto it = hub_unclaimed_.find(hub);
  return it == hub_unclaimed_.end() ? nullptr : it->second.get();
}

absl::Status ConnectionRegistry::Refuse(absl::Status status, std::string_view limit) {
  if (metrics_ != nullptr) {
    metrics_->LimitHit(limit);
  }
  return status;
}

absl::Status ConnectionRegistry::Admit(const std::string& token, Entry entry) {
  // Each count is taken in turn and given back when a later one refuses, so that no lock is
  // held across them.
  if (limits_.max_connections > 0 &&
      total_.fetch_add(1, std::memory_order_relaxed) >=
          static_cast<size_t>(limits_.max_connections)) {
    total_.fetch_sub(1, std::memory_order_relaxed);
    return Refuse(absl::UnavailableError("The server has reached its connection limit."),
                  "max_connections");
  }
  if (limits_.max_connections <= 0) {
    total_.fetch_add(1, std::memory_order_relaxed);
  }
  const bool per_user = !entry.user_id.empty();
  if (per_user && !TryCount(per_user_, entry.user_id, limits_.max_connections_per_user)) {
    total_.fetch_sub(1, std::memory_order_relaxed);
    return Refuse(absl::ResourceExhaustedError("Too many connections for this user."),
                  "max_connections_per_user");
  }
  if (!entry.claimed) {
    std::atomic<int64_t>* hub = HubUnclaimed(entry.hub);
    if (hub != nullptr && hub->fetch_add(1, std::memory_order_relaxed) >=
                              limits_.max_unclaimed_per_hub &&
        limits_.max_unclaimed_per_hub > 0) {
      hub->fetch_sub(1, std::memory_order_relaxed);
      if (per_user) Uncount(per_user_, entry.user_id);
      total_.fetch_sub(1, std::memory_order_relaxed);
      return Refuse(absl::UnavailableError(
                        "Too many connections are negotiated and not connected yet; try later."),
                    "max_unclaimed_negotiations_per_hub");
    }
    if (!entry.client_address.empty() &&
        !TryCount(per_address_, entry.client_address, limits_.max_unclaimed_per_address)) {
      if (hub != nullptr) hub->fetch_sub(1, std::memory_order_relaxed);
      if (per_user) Uncount(per_user_, entry.user_id);
      total_.fetch_sub(1, std::memory_order_relaxed);
      return Refuse(absl::ResourceExhaustedError(
                        "Too many negotiated connections from this address are not connected."),
                    "max_unclaimed_negotiations_per_address");
    }
    unclaimed_.fetch_add(1, std::memory_order_relaxed);
  }
  Insert(token, std::move(entry));
  return absl::OkStatus();
}

void ConnectionRegistry::Insert(const std::string& token, Entry entry) {
  Shard& shard = ShardOf(token);
  absl::MutexLock lock(&shard.mutex);
  if (!entry.claimed) {
    shard.deadlines.emplace_back(entry.connect_deadline, token);
    std::push_heap(shard.deadlines.begin(), shard.deadlines.end(), std::greater<>());
  }
  const std::string connection_id = entry.connection_id;
  auto [it, inserted] = shard.entries.try_emplace(token, std::move(entry));
  HUBGATE_CHECK(inserted, "connection tokens are unique");
  if (cluster_ != nullptr) {
    cluster_->ConnectionHeld(connection_id);  // under the shard lock: before any Remove of it
  }
}

void ConnectionRegistry::Release(const Entry& entry, bool was_unclaimed, bool leaving) {
  if (was_unclaimed) {
    if (std::atomic<int64_t>* hub = HubUnclaimed(entry.hub)) {
      hub->fetch_sub(1, std::memory_order_relaxed);
    }
    if (!entry.client_address.empty()) {
      Uncount(per_address_, entry.client_address);
    }
    unclaimed_.fetch_sub(1, std::memory_order_relaxed);
  }
  if (leaving) {
    if (!entry.user_id.empty()) {
      Uncount(per_user_, entry.user_id);
    }
    total_.fetch_sub(1, std::memory_order_relaxed);
  }
}

absl::StatusOr<ConnectionRegistry::Entry> ConnectionRegistry::Claim(const std::string& token,
                                                                    const std::string& hub,
                                                                    TransportKind transport) {
  Shard& shard = ShardOf(token);
  Entry before;
  {
    absl::MutexLock lock(&shard.mutex);
    auto it = shard.entries.find(token);
    if (it == shard.entries.end() || it->second.hub != hub) {
      return absl::NotFoundError(kNoConnectionWithThatId);
    }
    Entry& entry = it->second;
    if (entry.claimed) {
      if (entry.transport != transport) {
        return absl::FailedPreconditionError("Cannot change transports mid-connection");
      }
      if (transport == TransportKind::kLongPolling) {
        return entry;  // the next poll of a Long Polling connection
      }
      if (transport == TransportKind::kWebSockets && entry.stateful) {
        return entry;  // a stateful-reconnect client resumes its connection
      }
      return absl::AlreadyExistsError("Connection ID already has an active transport");
    }
    before = entry;
    entry.claimed = true;
    entry.transport = transport;
  }
  // Its deadline stays in the heap and is skipped when it comes due.
  Release(before, /*was_unclaimed=*/true, /*leaving=*/false);
  before.transport = transport;
  return before;
}

absl::StatusOr<ConnectionRegistry::Entry> ConnectionRegistry::Find(const std::string& token,
                                                                   const std::string& hub) const {
  Shard& shard = ShardOf(token);
  absl::MutexLock lock(&shard.mutex);
  auto it = shard.entries.find(token);
  if (it == shard.entries.end() || it->second.hub != hub) {
    return absl::NotFoundError(kNoConnectionWithThatId);
  }
  return it->second;
}

void ConnectionRegistry::AttachWebSocket(const std::string& token,
                                         std::weak_ptr<WebSocketSession> session) {
  Shard& shard = ShardOf(token);
  absl::MutexLock lock(&shard.mutex);
  auto it = shard.entries.find(token);
  if (it != shard.entries.end()) {
    it->second.websocket = std::move(session);
  }
}

void ConnectionRegistry::AttachSession(const std::string& token,
                                       std::weak_ptr<HttpTransportSession> session) {
  Shard& shard = ShardOf(token);
  absl::MutexLock lock(&shard.mutex);
  auto it = shard.entries.find(token);
  if (it != shard.entries.end()) {
    it->second.session = std::move(session);
  }
}

void ConnectionRegistry::Remove(const std::string& token) {
  Shard& shard = ShardOf(token);
  std::optional<Entry> removed;
  {
    absl::MutexLock lock(&shard.mutex);
    auto it = shard.entries.find(token);
    if (it == shard.entries.end()) {
      return;
    }
    removed = std::move(it->second);
    shard.entries.erase(it);
    if (cluster_ != nullptr) {
      cluster_->ConnectionReleased(removed->connection_id);
    }
  }
  Release(*removed, !removed->claimed, /*leaving=*/true);
}

size_t ConnectionRegistry::ExpireUnclaimed(TimePoint now) {
  size_t expired = 0;
  std::vector<Entry> gone;
  for (Shard& shard : shards_) {
    {
      absl::MutexLock lock(&shard.mutex);
      auto& heap = shard.deadlines;
      while (!heap.empty() && heap.front().first <= now) {
        std::pop_heap(heap.begin(), heap.end(), std::greater<>());
        auto it = shard.entries.find(heap.back().second);
        // Claimed or removed meanwhile: nothing is due.
        if (it != shard.entries.end() && !it->second.claimed &&
            it->second.connect_deadline == heap.back().first) {
          gone.push_back(std::move(it->second));
          shard.entries.erase(it);
          if (cluster_ != nullptr) {
            cluster_->ConnectionReleased(gone.back().connection_id);
          }
        }
        heap.pop_back();
      }
    }
    for (const Entry& entry : gone) {
      Release(entry, /*was_unclaimed=*/true, /*leaving=*/true);
    }
    expired += gone.size();
    gone.clear();
  }
  return expired;
}

}  // namespace hubgate::gateway
