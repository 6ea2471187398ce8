#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hubcore/hub_protocol.h"
#include "hubgate/v1/push.grpc.pb.h"
#include "services/grpc_server.h"
#include "tests/services/fake_publisher.h"
#include "tests/services/push_service_fixture.h"
#include "tests/services/raw_grpc_client.h"

namespace hubgate::services {
namespace {

using hubcore::Audience;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

void ExpectInvalidArgument(const grpc::Status& status, const std::string& message) {
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(status.error_message(), message);
}

TEST_F(PushServiceTest, SendReachesPublisherWithEveryAudienceKind) {
  struct Case {
    v1::SendRequest request;
    Audience::Kind kind;
    std::vector<std::string> names;
    std::vector<std::string> excluded;
  };
  std::vector<Case> cases;
  {
    Case c{PostsRequest(), Audience::Kind::kAll, {}, {"c9"}};
    c.request.mutable_all()->add_except_connection_ids("c9");
    cases.push_back(c);
  }
  {
    Case c{PostsRequest(), Audience::Kind::kConnections, {"c1"}, {}};
    c.request.set_connection_id("c1");
    cases.push_back(c);
  }
  {
    Case c{PostsRequest(), Audience::Kind::kConnections, {"c1", "c2"}, {}};
    c.request.mutable_connections()->add_connection_ids("c1");
    c.request.mutable_connections()->add_connection_ids("c2");
    cases.push_back(c);
  }
  {
    Case c{PostsRequest(), Audience::Kind::kGroups, {"post-42"}, {"c3"}};
    c.request.mutable_group()->set_group("post-42");
    c.request.mutable_group()->add_except_connection_ids("c3");
    cases.push_back(c);
  }
  {
    Case c{PostsRequest(), Audience::Kind::kGroups, {"g1", "g2"}, {}};
    c.request.mutable_groups()->add_groups("g1");
    c.request.mutable_groups()->add_groups("g2");
    cases.push_back(c);
  }
  {
    Case c{PostsRequest(), Audience::Kind::kUsers, {"alice"}, {}};
    c.request.set_user_id("alice");
    cases.push_back(c);
  }
  {
    Case c{PostsRequest(), Audience::Kind::kUsers, {"bob", "carol"}, {}};
    c.request.mutable_users()->add_user_ids("bob");
    c.request.mutable_users()->add_user_ids("carol");
    cases.push_back(c);
  }

  for (const Case& c : cases) {
    v1::SendResponse response;
    grpc::Status status = Send(c.request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.queued_connections(), 3u);
  }
  std::vector<FakePublisher::Published> published = publisher_.published();
  ASSERT_THAT(published, SizeIs(cases.size()));
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(published[i].hub, "posts");
    EXPECT_EQ(published[i].audience.kind, cases[i].kind);
    EXPECT_EQ(published[i].audience.names, cases[i].names);
    EXPECT_EQ(published[i].audience.excluded_connection_ids, cases[i].excluded);
  }
}

// The JSON frame of the last message that reached the publisher.
std::string JsonFrameOf(const FakePublisher& publisher) {
  std::vector<FakePublisher::Published> published = publisher.published();
  if (published.empty() || published.back().message == nullptr) {
    return "<nothing published>";
  }
  return *published.back().message->FrameFor(hubcore::HubProtocol::kJson);
}

TEST_F(PushServiceTest, SendEncodesAnInvocationWithoutId) {
  v1::SendRequest request = PostsRequest();
  request.mutable_group()->set_group("post-42");
  ASSERT_TRUE(Send(request).ok());
  EXPECT_EQ(JsonFrameOf(publisher_),
            "{\"type\":1,\"target\":\"PostUpdated\",\"arguments\":[]}\x1e");

  request.set_arguments_json(R"([{"id":42}, "text"])");
  ASSERT_TRUE(Send(request).ok());
  EXPECT_EQ(JsonFrameOf(publisher_),
            "{\"type\":1,\"target\":\"PostUpdated\",\"arguments\":[{\"id\":42},\"text\"]}\x1e");

  // Proto values; map keys come out sorted.
  auto& fields = *request.mutable_arguments()->add_values()->mutable_map_value()->mutable_fields();
  fields["b"].set_bool_value(true);
  fields["a"].set_int_value(-1);
  request.mutable_arguments()->add_values()->set_string_value("x");
  ASSERT_TRUE(Send(request).ok());
  EXPECT_EQ(JsonFrameOf(publisher_),
            "{\"type\":1,\"target\":\"PostUpdated\",\"arguments\":[{\"a\":-1,\"b\":true},\"x\"]}"
            "\x1e");
}

TEST_F(PushServiceTest, UnknownHubIsNotFound) {
  v1::SendRequest request = PostsRequest();
  request.set_hub("nope");
  request.mutable_all();
  grpc::Status status = Send(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "hub 'nope' is not configured");

  v1::GroupMembershipRequest group;
  group.set_hub("nope");
  group.set_connection_id("c1");
  group.set_group("g");
  v1::GroupMembershipResponse response;
  status = Membership(true, group, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "hub 'nope' is not configured");
  EXPECT_THAT(publisher_.published(), IsEmpty());
  EXPECT_THAT(publisher_.membership_changes(), IsEmpty());
}

TEST_F(PushServiceTest, InvalidSendRequests) {
  v1::SendRequest request = PostsRequest();
  request.mutable_all();
  request.clear_hub();
  ExpectInvalidArgument(Send(request), "hub: required");

  request = PostsRequest();
  request.mutable_all();
  request.clear_method();
  ExpectInvalidArgument(Send(request), "method: required");

  request = PostsRequest();
  ExpectInvalidArgument(Send(request),
                        "audience: one of all, connection_id, connections, group, groups, "
                        "user_id, users is required");

  request.mutable_groups()->add_groups("");
  ExpectInvalidArgument(Send(request), "groups.groups[0]: must not be empty");

  request = PostsRequest();
  request.mutable_all();
  request.set_arguments_json(R"({"id":42})");
  ExpectInvalidArgument(Send(request), "arguments_json: expected a JSON array, e.g. [1, \"a\"]");

  request.set_arguments_json("[1,");
  grpc::Status status = Send(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("arguments_json: invalid JSON: "));

  EXPECT_THAT(publisher_.published(), IsEmpty());
}

TEST_F(PushServiceTest, PublisherErrorsBecomeGrpcStatuses) {
  publisher_.set_publish_result(absl::UnavailableError("worker pool is stopping"));
  v1::SendRequest request = PostsRequest();
  request.mutable_all();
  grpc::Status status = Send(request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_message(), "worker pool is stopping");
}

TEST_F(PushServiceTest, GroupMembership) {
  v1::GroupMembershipRequest request;
  request.set_hub("posts");
  request.set_connection_id("c1");
  request.set_group("post-42");
  v1::GroupMembershipResponse response;
  ASSERT_TRUE(Membership(true, request, &response).ok());
  EXPECT_TRUE(response.connection_found());

  publisher_.set_found_result(false);
  response.Clear();
  ASSERT_TRUE(Membership(false, request, &response).ok());
  EXPECT_FALSE(response.connection_found());

  std::vector<FakePublisher::MembershipChange> changes = publisher_.membership_changes();
  ASSERT_THAT(changes, SizeIs(2));
  EXPECT_TRUE(changes[0].add);
  EXPECT_FALSE(changes[1].add);
  for (const auto& change : changes) {
    EXPECT_EQ(change.hub, "posts");
    EXPECT_EQ(change.connection_id, "c1");
    EXPECT_EQ(change.group, "post-42");
  }

  request.clear_group();
  ExpectInvalidArgument(Membership(false, request, &response), "group: required");
  request.clear_connection_id();
  ExpectInvalidArgument(Membership(true, request, &response), "connection_id: required");
  request.clear_hub();
  ExpectInvalidArgument(Membership(true, request, &response), "hub: required");
  EXPECT_THAT(publisher_.membership_changes(), SizeIs(2));
}

TEST_F(PushServiceTest, CallbacksMayCompleteLaterOnAnotherThread) {
  publisher_.set_async(true);
  constexpr int kCalls = 8;
  std::vector<std::thread> clients;
  std::vector<grpc::Status> statuses(kCalls);
  std::vector<uint64_t> queued(kCalls);
  for (int i = 0; i < kCalls; ++i) {
    clients.emplace_back([&, i] {
      v1::SendRequest request = PostsRequest();
      request.set_connection_id(absl::StrCat("c", i));
      v1::SendResponse response;
      statuses[i] = Send(request, &response);
      queued[i] = response.queued_connections();
    });
  }
  for (std::thread& client : clients) {
    client.join();
  }
  for (int i = 0; i < kCalls; ++i) {
    EXPECT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    EXPECT_EQ(queued[i], 3u);
  }

  v1::GroupMembershipRequest request;
  request.set_hub("posts");
  request.set_connection_id("c1");
  request.set_group("g");
  v1::GroupMembershipResponse response;
  ASSERT_TRUE(Membership(true, request, &response).ok());
  EXPECT_TRUE(response.connection_found());
  EXPECT_EQ(publisher_.async_completions(), kCalls + 1);
}

TEST_F(PushServiceTest, HealthServiceFollowsSetServing) {
  RawGrpcClient client(channel_);
  EXPECT_EQ(client.HealthCheck(""), RawGrpcClient::kServing);
  EXPECT_EQ(client.HealthCheck("hubgate.v1.Push"), RawGrpcClient::kServing);

  server_->SetServing(false);
  EXPECT_EQ(client.HealthCheck(""), RawGrpcClient::kNotServing);
  EXPECT_EQ(client.HealthCheck("hubgate.v1.Push"), RawGrpcClient::kNotServing);

  server_->SetServing(true);
  EXPECT_EQ(client.HealthCheck(""), RawGrpcClient::kServing);
}

TEST_F(PushServiceTest, ReflectionListsThePushService) {
  RawGrpcClient client(channel_);
  EXPECT_THAT(client.ReflectionListServices(), HasSubstr("hubgate.v1.Push"));
}

TEST_F(PushServiceTest, ShutdownIsIdempotentAndStopsServing) {
  server_->Shutdown(std::chrono::milliseconds(100));
  server_->Shutdown(std::chrono::milliseconds(100));
  server_->SetServing(true);  // ignored after shutdown
  v1::SendRequest request = PostsRequest();
  request.mutable_all();
  EXPECT_EQ(Send(request).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(GrpcServerTest, StartFailsOnAnUnusableAddress) {
  FakePublisher publisher;
  auto server = GrpcServer::Start("not a host:not a port", publisher);
  EXPECT_FALSE(server.ok());
}

}  // namespace
}  // namespace hubgate::services
