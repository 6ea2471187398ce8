#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/functional/function_ref.h"
#include "hubcore/audience.h"
#include "hubcore/connection_sink.h"
#include "hubcore/routing_observer.h"

namespace hubgate::hubcore {

// The routing index of one hub on one worker: its connections, groups and users. Single-threaded
// (each worker owns its own shard) and free of I/O; a connection appears here once its handshake
// is done and leaves when it closes. Group and user names compare ordinally (case-sensitive).
class HubIndex {
 public:
  HubIndex() = default;
  // `observer` (may be null) hears of every real change, named with `hub`; it must outlive
  // the index.
  HubIndex(std::string hub, RoutingObserver* observer)
      : hub_(std::move(hub)), observer_(observer) {}

  // user_id may be empty (anonymous connection).
  void AddConnection(const std::string& connection_id, const std::string& user_id,
                     ConnectionSink* sink);
  // Also drops the connection's group memberships (LeftGroup for each); empty groups disappear.
  void RemoveConnection(const std::string& connection_id);

  // False if the connection is not in this shard.
  bool AddToGroup(const std::string& connection_id, const std::string& group);
  bool RemoveFromGroup(const std::string& connection_id, const std::string& group);

  // Calls visit once for each connection in the audience (a connection in several listed groups
  // or users is visited once) and returns how many were visited. `visit` must not add or remove
  // connections or memberships (defer such changes to a later turn of the worker's loop).
  uint64_t ForEachRecipient(const Audience& audience,
                            absl::FunctionRef<void(ConnectionSink&)> visit) const;

  size_t connection_count() const { return connections_.size(); }
  size_t group_count() const { return groups_.size(); }
  bool HasConnection(const std::string& connection_id) const {
    return connections_.contains(connection_id);
  }
  // The connection's sink, or null.
  ConnectionSink* FindConnection(const std::string& connection_id) const {
    auto it = connections_.find(connection_id);
    return it == connections_.end() ? nullptr : it->second.sink;
  }

 private:
  struct Entry {
    std::string id;
    std::string user_id;
    ConnectionSink* sink = nullptr;
    std::vector<std::string> groups;
  };
  using MemberSet = absl::flat_hash_set<const Entry*>;

  static void Unlink(absl::flat_hash_map<std::string, MemberSet>& index, const std::string& key,
                     const Entry* entry);

  std::string hub_;
  RoutingObserver* observer_ = nullptr;
  absl::node_hash_map<std::string, Entry> connections_;  // node map: Entry addresses are stable
  absl::flat_hash_map<std::string, MemberSet> groups_;
  absl::flat_hash_map<std::string, MemberSet> users_;
};

}  // namespace hubgate::hubcore
