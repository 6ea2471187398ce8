#pragma once

#include <chrono>
#include <memory>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hubgate/v1/push.grpc.pb.h"
#include "services/grpc_server.h"
#include "tests/services/fake_publisher.h"

namespace hubgate::services {

// A real GrpcServer on 127.0.0.1:0 in front of a FakePublisher, and a Push stub for it.
class PushServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = GrpcServer::Start("127.0.0.1:0", publisher_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_GT(server_->port(), 0);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::Push::NewStub(channel_);
  }

  void TearDown() override {
    if (server_ != nullptr) {
      server_->Shutdown(std::chrono::seconds(2));
    }
  }

  static void SetDeadline(grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  }

  grpc::Status Send(const v1::SendRequest& request, v1::SendResponse* response = nullptr) {
    grpc::ClientContext context;
    SetDeadline(context);
    v1::SendResponse ignored;
    return stub_->Send(&context, request, response != nullptr ? response : &ignored);
  }

  grpc::Status Membership(bool add, const v1::GroupMembershipRequest& request,
                          v1::GroupMembershipResponse* response) {
    grpc::ClientContext context;
    SetDeadline(context);
    return add ? stub_->AddToGroup(&context, request, response)
               : stub_->RemoveFromGroup(&context, request, response);
  }

  grpc::Status InvokeClient(const v1::InvokeClientRequest& request,
                            v1::InvokeClientResponse* response) {
    grpc::ClientContext context;
    SetDeadline(context);
    return stub_->InvokeClient(&context, request, response);
  }

  static v1::SendRequest PostsRequest() {
    v1::SendRequest request;
    request.set_hub("posts");
    request.set_method("PostUpdated");
    return request;
  }

  FakePublisher publisher_;  // outlives the server
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Push::Stub> stub_;
};

}  // namespace hubgate::services
