#pragma once

// The Push API side of generated client proxies: PushTarget sends to one audience, ClientsBase
// names the audiences as ASP.NET's IHubClients does (docs/hub-methods.md#reaching-caller-others-
// and-othersingroup). Calls never block; their callbacks run once, on a gRPC thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/protoc_gen_hubgate/runtime/hub_call.h"
#include "hubgate/v1/push.grpc.pb.h"

namespace hubgate::typed {

struct PushOptions {
  // Per call; the gateway's own InvokeClient timeout is set to the same.
  std::chrono::milliseconds deadline = std::chrono::seconds(5);
  // Sent as "authorization: Bearer <key>" when set (push_api.keys on the gateway).
  std::string api_key;
};

// How many connections the gateway queued a Send for, or why it failed.
using SendDone = std::function<void(absl::StatusOr<std::uint64_t>)>;
// A client result: the client's answer, or the Push API's failure; a client-side error (the
// handler threw or returned nothing) is UNKNOWN with the client's text.
using InvokeClientDone = std::function<void(absl::StatusOr<v1::Value>)>;

// The stub, hub and options shared by every proxy of one Clients object.
struct PushConnection {
  v1::Push::StubInterface* stub;
  std::string hub;
  PushOptions options;
};

class PushTarget {
 public:
  // `audience` is a SendRequest with only its audience set.
  PushTarget(PushConnection connection, v1::SendRequest audience)
      : connection_(std::move(connection)), audience_(std::move(audience)) {}

  void Send(std::string method, std::vector<v1::Value> arguments, SendDone done) const;
  // Single-connection targets only (the audience is one connection_id).
  void InvokeClient(std::string method, std::vector<v1::Value> arguments,
                    InvokeClientDone done) const;

 private:
  PushConnection connection_;
  v1::SendRequest audience_;
};

// Audiences for a generated client-methods service: `Proxy` can push, `SingleProxy` (one
// connection) can also ask for client results, so asking a group for one does not compile.
template <typename Proxy, typename SingleProxy>
class ClientsBase {
 public:
  // `stub` must outlive this object and its proxies.
  ClientsBase(v1::Push::StubInterface& stub, std::string hub, PushOptions options = {})
      : connection_{&stub, std::move(hub), std::move(options)} {}

  Proxy All() const { return Make<Proxy>([](v1::SendRequest& r) { r.mutable_all(); }); }
  Proxy AllExcept(std::vector<std::string> connection_ids) const {
    return Make<Proxy>([&](v1::SendRequest& r) {
      for (std::string& id : connection_ids) r.mutable_all()->add_except_connection_ids(id);
    });
  }
  Proxy Group(std::string group) const {
    return Make<Proxy>([&](v1::SendRequest& r) { r.mutable_group()->set_group(group); });
  }
  Proxy GroupExcept(std::string group, std::vector<std::string> connection_ids) const {
    return Make<Proxy>([&](v1::SendRequest& r) {
      r.mutable_group()->set_group(group);
      for (std::string& id : connection_ids) r.mutable_group()->add_except_connection_ids(id);
    });
  }
  Proxy Groups(std::vector<std::string> groups) const {
    return Make<Proxy>([&](v1::SendRequest& r) {
      for (std::string& group : groups) r.mutable_groups()->add_groups(group);
    });
  }
  Proxy User(std::string user_id) const {
    return Make<Proxy>([&](v1::SendRequest& r) { r.set_user_id(user_id); });
  }
  Proxy Users(std::vector<std::string> user_ids) const {
    return Make<Proxy>([&](v1::SendRequest& r) {
      for (std::string& id : user_ids) r.mutable_users()->add_user_ids(id);
    });
  }
  Proxy Clients(std::vector<std::string> connection_ids) const {
    return Make<Proxy>([&](v1::SendRequest& r) {
      for (std::string& id : connection_ids) r.mutable_connections()->add_connection_ids(id);
    });
  }
  Proxy Others(const HubCall& call) const { return AllExcept({call.connection_id()}); }
  Proxy OthersInGroup(const HubCall& call, std::string group) const {
    return GroupExcept(std::move(group), {call.connection_id()});
  }
  SingleProxy Client(std::string connection_id) const {
    return Make<SingleProxy>([&](v1::SendRequest& r) { r.set_connection_id(connection_id); });
  }
  SingleProxy Caller(const HubCall& call) const { return Client(call.connection_id()); }

 private:
  template <typename P, typename SetAudience>
  P Make(SetAudience set_audience) const {
    v1::SendRequest audience;
    set_audience(audience);
    return P(PushTarget(connection_, std::move(audience)));
  }

  PushConnection connection_;
};

}  // namespace hubgate::typed
