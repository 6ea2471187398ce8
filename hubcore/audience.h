#pragma once

#include <string>
#include <utility>
#include <vector>

namespace hubgate::hubcore {

// Who a pushed message is for, within one hub (IHubClients in ASP.NET Core SignalR).
struct Audience {
  enum class Kind {
    kAll,          // every connection, minus excluded_connection_ids
    kConnections,  // names: connection ids
    kGroups,       // names: group names; minus excluded_connection_ids
    kUsers,        // names: user ids
  };
  Kind kind = Kind::kAll;
  std::vector<std::string> names;
  std::vector<std::string> excluded_connection_ids;

  static Audience All(std::vector<std::string> except = {}) {
    return {Kind::kAll, {}, std::move(except)};
  }
  static Audience Connections(std::vector<std::string> ids) {
    return {Kind::kConnections, std::move(ids), {}};
  }
  static Audience Groups(std::vector<std::string> groups, std::vector<std::string> except = {}) {
    return {Kind::kGroups, std::move(groups), std::move(except)};
  }
  static Audience Users(std::vector<std::string> users) {
    return {Kind::kUsers, std::move(users), {}};
  }
};

}  // namespace hubgate::hubcore
