// The typed client proxies generated for contracts/everything.proto, calling a fake Push API
// served on a free loopback port.
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "everything.hubgate.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace typedtest::v1 {
namespace {

// Records what it is sent and answers InvokeClient with a configurable response.
class FakePush final : public hubgate::v1::Push::CallbackService {
 public:
  grpc::ServerUnaryReactor* Send(grpc::CallbackServerContext* context,
                                 const hubgate::v1::SendRequest* request,
                                 hubgate::v1::SendResponse* response) override {
    {
      absl::MutexLock lock(&mu_);
      sends_.push_back(*request);
      authorization_ = AuthorizationOf(*context);
    }
    response->set_queued_connections(3);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  grpc::ServerUnaryReactor* InvokeClient(grpc::CallbackServerContext* context,
                                         const hubgate::v1::InvokeClientRequest* request,
                                         hubgate::v1::InvokeClientResponse* response) override {
    {
      absl::MutexLock lock(&mu_);
      invocations_.push_back(*request);
      *response = answer_;
    }
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  void Answer(hubgate::v1::InvokeClientResponse answer) {
    absl::MutexLock lock(&mu_);
    answer_ = std::move(answer);
  }
  hubgate::v1::SendRequest LastSend() {
    absl::MutexLock lock(&mu_);
    return sends_.back();
  }
  hubgate::v1::InvokeClientRequest LastInvocation() {
    absl::MutexLock lock(&mu_);
    return invocations_.back();
  }
  std::string authorization() {
    absl::MutexLock lock(&mu_);
    return authorization_;
  }

 private:
  static std::string AuthorizationOf(const grpc::CallbackServerContext& context) {
    auto it = context.client_metadata().find("authorization");
    return it == context.client_metadata().end() ? "" : std::string(it->second.data(),
                                                                    it->second.size());
  }

  absl::Mutex mu_;
  std::vector<hubgate::v1::SendRequest> sends_ ABSL_GUARDED_BY(mu_);
  std::vector<hubgate::v1::InvokeClientRequest> invocations_ ABSL_GUARDED_BY(mu_);
  hubgate::v1::InvokeClientResponse answer_ ABSL_GUARDED_BY(mu_);
  std::string authorization_ ABSL_GUARDED_BY(mu_);
};

class GeneratedClientsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&push_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = hubgate::v1::Push::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                           grpc::InsecureChannelCredentials()));
    clients_ = std::make_unique<EverythingClientClients>(
        *stub_, hubgate::typed::PushOptions{.api_key = "secret"});
  }
  void TearDown() override { server_->Shutdown(); }

  // Sends with `send` and waits for its callback; returns what the callback got.
  template <typename SendFn>
  absl::StatusOr<std::uint64_t> SendAndWait(SendFn send) {
    absl::Notification done;
    absl::StatusOr<std::uint64_t> result;
    send([&](absl::StatusOr<std::uint64_t> queued) {
      result = queued;
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  FakePush push_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<hubgate::v1::Push::Stub> stub_;
  std::unique_ptr<EverythingClientClients> clients_;
};

TEST_F(GeneratedClientsTest, AGroupPushCarriesTheHubMethodAndTheDtoAsOneArgument) {
  Everything everything;
  everything.set_text("admitted");
  const absl::StatusOr<std::uint64_t> queued = SendAndWait(
      [&](auto done) { clients_->Group("ward:4B").EverythingChanged(everything, done); });
  ASSERT_TRUE(queued.ok()) << queued.status();
  EXPECT_EQ(*queued, 3u);
  const hubgate::v1::SendRequest sent = push_.LastSend();
  EXPECT_EQ(sent.hub(), "everything");
  EXPECT_EQ(sent.method(), "EverythingChanged");
  EXPECT_EQ(sent.group().group(), "ward:4B");
  ASSERT_EQ(sent.arguments().values_size(), 1);
  EXPECT_EQ(sent.arguments().values(0).map_value().fields().at("text").string_value(),
            "admitted");
  EXPECT_EQ(push_.authorization(), "Bearer secret");
}

TEST_F(GeneratedClientsTest, ScalarParametersArePositionalArguments) {
  ASSERT_TRUE(SendAndWait([&](auto done) { clients_->All().CommentAdded(42, "hi", done); }).ok());
  const hubgate::v1::SendRequest sent = push_.LastSend();
  EXPECT_TRUE(sent.has_all());
  ASSERT_EQ(sent.arguments().values_size(), 2);
  EXPECT_EQ(sent.arguments().values(0).int_value(), 42);
  EXPECT_EQ(sent.arguments().values(1).string_value(), "hi");
}

TEST_F(GeneratedClientsTest, CallerRelativeAudiencesUseTheCallersConnection) {
  hubgate::v1::CallContext context;
  context.set_connection_id("c-1");
  const hubgate::typed::HubCall call(context, "SendComment", "1");

  ASSERT_TRUE(SendAndWait([&](auto done) { clients_->Others(call).CommentAdded(1, "", done); })
                  .ok());
  EXPECT_EQ(push_.LastSend().all().except_connection_ids(0), "c-1");

  ASSERT_TRUE(SendAndWait([&](auto done) {
                clients_->OthersInGroup(call, "g").CommentAdded(1, "", done);
              }).ok());
  EXPECT_EQ(push_.LastSend().group().group(), "g");
  EXPECT_EQ(push_.LastSend().group().except_connection_ids(0), "c-1");

  ASSERT_TRUE(SendAndWait([&](auto done) { clients_->Caller(call).CommentAdded(1, "", done); })
                  .ok());
  EXPECT_EQ(push_.LastSend().connection_id(), "c-1");

  ASSERT_TRUE(SendAndWait([&](auto done) { clients_->User("bob").CommentAdded(1, "", done); })
                  .ok());
  EXPECT_EQ(push_.LastSend().user_id(), "bob");
}

TEST_F(GeneratedClientsTest, AClientResultIsDecodedIntoTheDeclaredType) {
  hubgate::v1::InvokeClientResponse answer;
  (*answer.mutable_result()->mutable_map_value()->mutable_fields())["Accepted"].set_bool_value(
      true);  // as a MessagePack client sends it
  push_.Answer(answer);
  ConsentQuestion question;
  question.set_question("Hand over?");

  absl::Notification done;
  absl::StatusOr<Consent> consent;
  clients_->Client("c-9").AskConsent(question, [&](absl::StatusOr<Consent> result) {
    consent = std::move(result);
    done.Notify();
  });
  done.WaitForNotification();

  ASSERT_TRUE(consent.ok()) << consent.status();
  EXPECT_TRUE(consent->accepted());
  const hubgate::v1::InvokeClientRequest sent = push_.LastInvocation();
  EXPECT_EQ(sent.connection_id(), "c-9");
  EXPECT_EQ(sent.method(), "AskConsent");
  EXPECT_EQ(sent.timeout_ms(), 5000u);
}

TEST_F(GeneratedClientsTest, AClientSideErrorIsUnknownWithTheClientsText) {
  hubgate::v1::InvokeClientResponse answer;
  answer.set_error("Error: from callback");
  push_.Answer(answer);
  absl::Notification done;
  absl::StatusOr<CommentCount> count;
  clients_->Client("c-9").CountTabs([&](absl::StatusOr<CommentCount> result) {
    count = std::move(result);
    done.Notify();
  });
  done.WaitForNotification();
  EXPECT_EQ(count.status().code(), absl::StatusCode::kUnknown);
  EXPECT_EQ(count.status().message(), "Error: from callback");
}

TEST_F(GeneratedClientsTest, AMistypedClientResultIsAnError) {
  hubgate::v1::InvokeClientResponse answer;
  answer.mutable_result()->set_string_value("two");
  push_.Answer(answer);
  absl::Notification done;
  absl::StatusOr<CommentCount> count;
  clients_->Client("c-9").CountTabs([&](absl::StatusOr<CommentCount> result) {
    count = std::move(result);
    done.Notify();
  });
  done.WaitForNotification();
  EXPECT_EQ(count.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(count.status().message(),
            "result: expected an integer in the range of int32, got a string");
}

}  // namespace
}  // namespace typedtest::v1
