#include "examples/clinical/clinical_state.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace hubgate::examples::clinical {

ClinicalState::ClinicalState() {
  for (const WardCapacity& ward : {WardCapacity{"A", 24, 18}, WardCapacity{"B", 16, 11},
                                   WardCapacity{"icu", 8, 7}}) {
    wards_[ward.ward_id] = ward;
  }
  absl::MutexLock lock(&mu_);
  alarms_["alarm-1"] = Alarm{"A", ""};
  alarms_["alarm-2"] = Alarm{"B", ""};
  alarms_["alarm-3"] = Alarm{"A", ""};
}

std::optional<WardCapacity> ClinicalState::FindWard(const std::string& ward_id) const {
  auto ward = wards_.find(ward_id);
  if (ward == wards_.end()) {
    return std::nullopt;
  }
  return ward->second;
}

absl::StatusOr<std::string> ClinicalState::AcknowledgeAlarm(const std::string& alarm_id,
                                                            const std::string& user_id) {
  absl::MutexLock lock(&mu_);
  auto alarm = alarms_.find(alarm_id);
  if (alarm == alarms_.end()) {
    return absl::NotFoundError(absl::StrCat("Alarm ", alarm_id, " not found."));
  }
  if (!alarm->second.acknowledged_by.empty()) {
    return absl::FailedPreconditionError("Alarm already acknowledged.");
  }
  alarm->second.acknowledged_by = user_id;
  return alarm->second.ward_id;
}

void ClinicalState::AddConnection(const std::string& connection_id, const std::string& user_id) {
  absl::MutexLock lock(&mu_);
  connections_[connection_id] = Connection{user_id, {}};
}

void ClinicalState::RemoveConnection(const std::string& connection_id) {
  absl::MutexLock lock(&mu_);
  connections_.erase(connection_id);
}

void ClinicalState::AddWardSubscription(const std::string& connection_id,
                                        const std::string& ward_id) {
  absl::MutexLock lock(&mu_);
  if (auto connection = connections_.find(connection_id); connection != connections_.end()) {
    connection->second.wards.insert(ward_id);
  }
}

std::size_t ClinicalState::ConnectionCount() const {
  absl::MutexLock lock(&mu_);
  return connections_.size();
}

void ClinicalState::StreamStarted() {
  absl::MutexLock lock(&mu_);
  ++streams_.active;
}

void ClinicalState::StreamEnded(bool cancelled) {
  absl::MutexLock lock(&mu_);
  --streams_.active;
  if (cancelled) {
    ++streams_.cancelled;
  }
}

ClinicalState::StreamStats ClinicalState::GetStreamStats() const {
  absl::MutexLock lock(&mu_);
  return streams_;
}

}  // namespace hubgate::examples::clinical
