// The Push API's API keys through a real GrpcServer: missing, unknown, hub-limited and
// operation-limited keys, both metadata spellings, and the refusal observer (the metric).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "hubgate/v1/push.grpc.pb.h"
#include "services/grpc_server.h"
#include "tests/services/fake_publisher.h"

namespace hubgate::services {
namespace {

constexpr char kFullKey[] = "full-access-secret";
constexpr char kSendOnlyKey[] = "send-only-secret";
constexpr char kOtherHubKey[] = "other-hub-secret";

hubcore::PushApiOptions ThreeKeys() {
  hubcore::PushApiOptions options;
  hubcore::PushApiKeyOptions full;
  full.name = "ops";
  full.key = kFullKey;
  hubcore::PushApiKeyOptions send_only;
  send_only.name = "notifier";
  send_only.key = kSendOnlyKey;
  send_only.operations = {"send"};
  hubcore::PushApiKeyOptions other_hub;
  other_hub.name = "chat-backend";
  other_hub.key = kOtherHubKey;
  other_hub.hubs = {"chat"};
  options.keys = {full, send_only, other_hub};
  return options;
}

class PushApiSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto on_refusal = [this](std::string_view reason, std::string_view operation) {
      std::lock_guard lock(mutex_);
      refusals_.push_back(std::string(reason) + "/" + std::string(operation));
    };
    auto server = GrpcServer::Start("127.0.0.1:0", publisher_, ThreeKeys(), on_refusal);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::Push::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                                  grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(std::chrono::seconds(2)); }

  // Send to hub "posts" with the given metadata entry (none when name is empty).
  grpc::Status SendWith(const std::string& name, const std::string& value) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!name.empty()) context.AddMetadata(name, value);
    v1::SendRequest request;
    request.set_hub("posts");
    request.set_method("PostUpdated");
    request.mutable_all();
    v1::SendResponse response;
    return stub_->Send(&context, request, &response);
  }

  grpc::Status AddToGroupWith(const std::string& key) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    context.AddMetadata("authorization", "Bearer " + key);
    v1::GroupMembershipRequest request;
    request.set_hub("posts");
    request.set_connection_id("c1");
    request.set_group("g");
    v1::GroupMembershipResponse response;
    return stub_->AddToGroup(&context, request, &response);
  }

  std::vector<std::string> refusals() {
    std::lock_guard lock(mutex_);
    return refusals_;
  }

  FakePublisher publisher_;
  std::unique_ptr<GrpcServer> server_;
  std::unique_ptr<v1::Push::Stub> stub_;
  std::mutex mutex_;
  std::vector<std::string> refusals_;
};

TEST_F(PushApiSecurityTest, MissingKeyIsUnauthenticated) {
  grpc::Status status = SendWith("", "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(),
            "missing API key (send metadata 'authorization: Bearer <key>')");
  // A different scheme is no key either.
  EXPECT_EQ(SendWith("authorization", std::string("Basic ") + kFullKey).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(publisher_.published().size(), 0u);
  EXPECT_EQ(refusals(), (std::vector<std::string>{"unauthenticated/send",
                                                 "unauthenticated/send"}));
}

TEST_F(PushApiSecurityTest, UnknownKeyIsUnauthenticatedAndNotEchoed) {
  grpc::Status status = SendWith("authorization", "Bearer guessed-secret");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(status.error_message(), "unknown API key");
  EXPECT_EQ(publisher_.published().size(), 0u);
}

TEST_F(PushApiSecurityTest, KnownKeyInEitherSpellingIsAccepted) {
  EXPECT_TRUE(SendWith("authorization", std::string("Bearer ") + kFullKey).ok());
  EXPECT_TRUE(SendWith("authorization", std::string("bearer ") + kFullKey).ok());
  EXPECT_TRUE(SendWith("x-api-key", kFullKey).ok());
  EXPECT_EQ(publisher_.published().size(), 3u);
  EXPECT_TRUE(refusals().empty());
}

TEST_F(PushApiSecurityTest, OperationLimitedKeyIsDeniedOtherOperations) {
  EXPECT_TRUE(SendWith("x-api-key", kSendOnlyKey).ok());
  grpc::Status status = AddToGroupWith(kSendOnlyKey);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(),
            "API key 'notifier' may not use operation 'membership' on hub 'posts'");
  EXPECT_EQ(refusals(), std::vector<std::string>{"permission_denied/membership"});
  EXPECT_TRUE(AddToGroupWith(kFullKey).ok());
}

TEST_F(PushApiSecurityTest, HubLimitedKeyIsDeniedOtherHubs) {
  grpc::Status status = SendWith("x-api-key", kOtherHubKey);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(),
            "API key 'chat-backend' may not use operation 'send' on hub 'posts'");
  EXPECT_EQ(status.error_message().find(kOtherHubKey), std::string::npos);
  EXPECT_EQ(publisher_.published().size(), 0u);
}

// The key is checked before the request is validated: an anonymous caller learns nothing
// about hubs or arguments.
TEST_F(PushApiSecurityTest, RefusalComesBeforeValidation) {
  grpc::ClientContext context;
  v1::SendRequest request;  // no hub, no method: invalid
  v1::SendResponse response;
  EXPECT_EQ(stub_->Send(&context, request, &response).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace hubgate::services
