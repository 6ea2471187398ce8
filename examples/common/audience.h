#pragma once

// Who receives a Push API Send: the SignalR `Clients.*` targets a hub method uses, written as
// Push API audiences. Every HubHandler call carries `context.connection_id`, the caller's
// connection, which is all that the caller-relative targets need.
//
//   SignalR (ASP.NET Core hub)          Push API SendRequest audience
//   Clients.Caller                      connection_id = caller
//   Clients.Others                      all { except_connection_ids: [caller] }
//   Clients.OthersInGroup(g)            group { group: g, except_connection_ids: [caller] }
//   Clients.All                         all {}
//   Clients.Group(g)                    group { group: g }
//   Clients.Groups(g1, g2)              groups { groups: [g1, g2] }
//   Clients.User(u)                     user_id = u

#include <string>

#include "hubgate/v1/push.pb.h"

namespace hubgate::examples {

inline void ToCaller(v1::SendRequest& request, const std::string& caller) {
  request.set_connection_id(caller);
}

inline void ToOthers(v1::SendRequest& request, const std::string& caller) {
  request.mutable_all()->add_except_connection_ids(caller);
}

inline void ToOthersInGroup(v1::SendRequest& request, const std::string& group,
                            const std::string& caller) {
  request.mutable_group()->set_group(group);
  request.mutable_group()->add_except_connection_ids(caller);
}

inline void ToAll(v1::SendRequest& request) { request.mutable_all(); }

inline void ToGroup(v1::SendRequest& request, const std::string& group) {
  request.mutable_group()->set_group(group);
}

inline void ToUser(v1::SendRequest& request, const std::string& user_id) {
  request.set_user_id(user_id);
}

}  // namespace hubgate::examples
