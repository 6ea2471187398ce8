#pragma once

// The clinical backend's in-memory data: wards and their capacity, alarms, and the hub's live
// connections. A real backend reads its database here; the hub code would not change.
//
// Thread-safe: hub methods run on gRPC threads, the REST API on its own thread.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace hubgate::examples::clinical {

struct WardCapacity {
  std::string ward_id;
  int total_beds = 0;
  int occupied_beds = 0;
};

class ClinicalState {
 public:
  // Seeds wards "A", "B", "icu" and alarms "alarm-1" (ward A), "alarm-2" (B), "alarm-3" (A).
  ClinicalState();

  std::optional<WardCapacity> FindWard(const std::string& ward_id) const;

  // Marks the alarm acknowledged by `user_id` and returns its ward. NotFound
  // "Alarm <id> not found." or FailedPrecondition "Alarm already acknowledged.": texts meant
  // for the client.
  absl::StatusOr<std::string> AcknowledgeAlarm(const std::string& alarm_id,
                                               const std::string& user_id);

  // Connection tracking, fed by OnConnected/OnDisconnected and SubscribeToWard.
  void AddConnection(const std::string& connection_id, const std::string& user_id);
  void RemoveConnection(const std::string& connection_id);
  void AddWardSubscription(const std::string& connection_id, const std::string& ward_id);
  std::size_t ConnectionCount() const;

  // INR stream bookkeeping, shown by GET /api/stats. Counted under one lock, so a reader never
  // sees a stream counted as cancelled and still active.
  struct StreamStats {
    std::int64_t active = 0;
    std::uint64_t cancelled = 0;
  };
  void StreamStarted();
  void StreamEnded(bool cancelled);
  StreamStats GetStreamStats() const;

 private:
  struct Alarm {
    std::string ward_id;
    std::string acknowledged_by;  // empty while unacknowledged
  };
  struct Connection {
    std::string user_id;
    absl::flat_hash_set<std::string> wards;
  };

  // Fixed after construction, so read without the lock.
  absl::flat_hash_map<std::string, WardCapacity> wards_;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Alarm> alarms_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Connection> connections_ ABSL_GUARDED_BY(mu_);
  StreamStats streams_ ABSL_GUARDED_BY(mu_);
};

}  // namespace hubgate::examples::clinical
