#pragma once

// A small client for the gateway's Push API (proto/hubgate/v1/push.proto).
//
// Two ways to call it:
//
// - From inside a HubHandler reaction (Invoke, OnConnected, ...) use the callback methods.
//   Those reactions run on gRPC's own small thread pool and must never block, so a hub method
//   starts the Push call, returns, and finishes its reactor from the completion callback:
//
//     push.AddToGroup(hub, caller, group, [reactor](const grpc::Status& status, auto&) {
//       reactor->Finish(status.ok() ? grpc::Status::OK : PushFailed("AddToGroup", status));
//     });
//
//   Completion callbacks also run on gRPC threads: do little there, and start the next call
//   (chaining AddToGroup -> Send -> Finish) rather than waiting for it.
//
// - From your own threads (an HTTP handler, a job) the blocking SendAndWait() is fine.
//
// The channel connects lazily, so a backend starts while the gateway is down; calls then fail
// with UNAVAILABLE after a short while instead of waiting.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "examples/common/push_api_access.h"
#include "hubgate/v1/push.grpc.pb.h"

namespace hubgate::examples {

// A SendRequest without audience; set one with the helpers in audience.h.
v1::SendRequest NewSend(const std::string& hub, const std::string& method,
                        std::vector<v1::Value> arguments);

// The status a hub method returns when a Push call failed: UNAVAILABLE naming the call. The
// gateway tells the client only "An unexpected error occurred invoking '<method>' on the server."
// (like a non-HubException in ASP.NET Core), so the details go to the backend's log.
grpc::Status PushFailed(const std::string& what, const grpc::Status& status);

class PushClient {
 public:
  using SendDone = std::function<void(const grpc::Status&, const v1::SendResponse&)>;
  using GroupDone = std::function<void(const grpc::Status&, const v1::GroupMembershipResponse&)>;

  // `target` is the gateway's gRPC address (its grpc.listen), e.g. "127.0.0.1:50051"; every
  // call carries `access`'s API key and uses its (TLS) credentials.
  explicit PushClient(const std::string& target, PushApiAccess access = {},
                      std::chrono::milliseconds deadline = std::chrono::seconds(5));

  // Callback API: never blocks; `done` runs exactly once, on a gRPC thread.
  void Send(v1::SendRequest request, SendDone done);
  void AddToGroup(const std::string& hub, const std::string& connection_id,
                  const std::string& group, GroupDone done);
  void RemoveFromGroup(const std::string& hub, const std::string& connection_id,
                       const std::string& group, GroupDone done);

  // Blocking: returns queued_connections. Never call it from a HubHandler reaction.
  absl::StatusOr<std::uint64_t> SendAndWait(const v1::SendRequest& request);

 private:
  void StartGroupCall(bool add, const std::string& hub, const std::string& connection_id,
                      const std::string& group, GroupDone done);

  PushApiAccess access_;
  std::unique_ptr<v1::Push::Stub> stub_;
  std::chrono::milliseconds deadline_;
};

}  // namespace hubgate::examples
