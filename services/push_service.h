#pragma once

#include "hubcore/publisher.h"
#include "hubgate/v1/push.grpc.pb.h"
#include "services/push_api_authorizer.h"

namespace hubgate::services {

// The gRPC Push API. Handlers validate, build the message once and hand it to the Publisher;
// they never block (the reply is sent from the Publisher's completion callback). Each handler
// first asks the authorizer whether the caller's API key may use it on the request's hub.
class PushService final : public v1::Push::CallbackService {
 public:
  PushService(hubcore::Publisher& publisher, const PushApiAuthorizer& authorizer)
      : publisher_(publisher), authorizer_(authorizer) {}

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
  const PushApiAuthorizer& authorizer_;
};

}  // namespace hubgate::services
