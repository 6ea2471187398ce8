#include "hubcore/hub_index.h"

#include <algorithm>

namespace hubgate::hubcore {

void HubIndex::AddConnection(const std::string& connection_id, const std::string& user_id,
                             ConnectionSink* sink) {
  auto [it, inserted] = connections_.try_emplace(connection_id);
  if (!inserted) {
    return;  // already routed; a connection is added once per handshake
  }
  Entry& entry = it->second;
  entry.id = connection_id;
  entry.user_id = user_id;
  entry.sink = sink;
  if (!user_id.empty()) {
    users_[user_id].insert(&entry);
  }
  if (observer_ != nullptr) {
    observer_->ConnectionOpened(hub_, connection_id, user_id);
  }
}

void HubIndex::Unlink(absl::flat_hash_map<std::string, MemberSet>& index, const std::string& key,
                      const Entry* entry) {
  auto it = index.find(key);
  if (it == index.end()) {
    return;
  }
  it->second.erase(entry);
  if (it->second.empty()) {
    index.erase(it);
  }
}

void HubIndex::RemoveConnection(const std::string& connection_id) {
  auto it = connections_.find(connection_id);
  if (it == connections_.end()) {
    return;
  }
  const Entry* entry = &it->second;
  for (const std::string& group : entry->groups) {
    Unlink(groups_, group, entry);
    if (observer_ != nullptr) {
      observer_->LeftGroup(hub_, group);
    }
  }
  if (!entry->user_id.empty()) {
    Unlink(users_, entry->user_id, entry);
  }
  if (observer_ != nullptr) {
    observer_->ConnectionClosed(hub_, entry->id, entry->user_id);
  }
  connections_.erase(it);
}

bool HubIndex::AddToGroup(const std::string& connection_id, const std::string& group) {
  auto it = connections_.find(connection_id);
  if (it == connections_.end()) {
    return false;
  }
  Entry& entry = it->second;
  if (groups_[group].insert(&entry).second) {
    entry.groups.push_back(group);
    if (observer_ != nullptr) {
      observer_->JoinedGroup(hub_, group);
    }
  }
  return true;
}

bool HubIndex::RemoveFromGroup(const std::string& connection_id, const std::string& group) {
  auto it = connections_.find(connection_id);
  if (it == connections_.end()) {
    return false;
  }
  Entry& entry = it->second;
  auto pos = std::find(entry.groups.begin(), entry.groups.end(), group);
  if (pos != entry.groups.end()) {
    entry.groups.erase(pos);
    Unlink(groups_, group, &entry);
    if (observer_ != nullptr) {
      observer_->LeftGroup(hub_, group);
    }
  }
  return true;
}

uint64_t HubIndex::ForEachRecipient(const Audience& audience,
                                    absl::FunctionRef<void(ConnectionSink&)> visit) const {
  uint64_t visited = 0;
  const auto excluded = [&](const Entry& entry) {
    return std::find(audience.excluded_connection_ids.begin(),
                     audience.excluded_connection_ids.end(),
                     entry.id) != audience.excluded_connection_ids.end();
  };

  switch (audience.kind) {
    case Audience::Kind::kAll:
      for (const auto& [id, entry] : connections_) {
        if (!excluded(entry)) {
          visit(*entry.sink);
          ++visited;
        }
      }
      return visited;

    case Audience::Kind::kConnections: {
      // Duplicate ids in the request reach the connection once.
      MemberSet seen;
      for (const std::string& id : audience.names) {
        auto it = connections_.find(id);
        if (it != connections_.end() && seen.insert(&it->second).second) {
          visit(*it->second.sink);
          ++visited;
        }
      }
      return visited;
    }

    case Audience::Kind::kGroups:
    case Audience::Kind::kUsers: {
      const auto& index = audience.kind == Audience::Kind::kGroups ? groups_ : users_;
      const bool several = audience.names.size() > 1;
      MemberSet seen;  // only needed when a connection can appear under several names
      for (const std::string& name : audience.names) {
        auto it = index.find(name);
        if (it == index.end()) {
          continue;
        }
        for (const Entry* entry : it->second) {
          if (excluded(*entry) || (several && !seen.insert(entry).second)) {
            continue;
          }
          visit(*entry->sink);
          ++visited;
        }
      }
      return visited;
    }
  }
  return visited;
}

}  // namespace hubgate::hubcore
