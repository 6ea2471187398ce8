#pragma once

#include "hubcore/publisher.h"
#include "hubgate/v1/push.grpc.pb.h"

namespace hubgate::services {

// The gRPC Push API. Handlers validate, build the message once and hand it to the Publisher;
// they never block (the reply is sent from the Publisher's completion callback).
class PushService final : public v1::Push::CallbackService {
 public:
  explicit PushService(hubcore::Publisher& publisher) : publisher_(publisher) {}

  grpc::ServerUnaryReactor* Send(grpc::CallbackServerContext* context,
                                 const v1::SendRequest* request,
                                 v1::SendResponse* response) override;
  grpc::ServerUnaryReactor* AddToGroup(grpc::CallbackServerContext* context,
                                       const v1::GroupMembershipRequest* request,
                                       v1::GroupMembershipResponse* response) override;
  grpc::ServerUnaryReactor* RemoveFromGroup(grpc::CallbackServerContext* context,
                                            const v1::GroupMembershipRequest* request,
                                            v1::GroupMembershipResponse* response) override;
  grpc::ServerUnaryReactor* InvokeClient(grpc::CallbackServerContext* context,
                                         const v1::InvokeClientRequest* request,
                                         v1::InvokeClientResponse* response) override;

 private:
  hubcore::Publisher& publisher_;
};

}  // namespace hubgate::services
