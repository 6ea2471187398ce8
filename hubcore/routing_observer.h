#pragma once

#include <string_view>

namespace hubgate::hubcore {

// Told of every change of a routing index that others must follow (the backplane subscribes to
// a group's channel while this process holds a member). Real changes only: a join of a member
// already in the group is none, and a connection that leaves reports LeftGroup for each of its
// groups before ConnectionRemoved. Called on the index's thread; must not call back into it.
class RoutingObserver {
 public:
  virtual ~RoutingObserver() = default;
  // user_id is empty for an anonymous connection.
  virtual void ConnectionOpened(std::string_view hub, std::string_view connection_id,
                                std::string_view user_id) = 0;
  virtual void ConnectionClosed(std::string_view hub, std::string_view connection_id,
                                std::string_view user_id) = 0;
  virtual void JoinedGroup(std::string_view hub, std::string_view group) = 0;
  virtual void LeftGroup(std::string_view hub, std::string_view group) = 0;
};

}  // namespace hubgate::hubcore
