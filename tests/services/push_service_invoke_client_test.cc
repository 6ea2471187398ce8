#include <chrono>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "hubgate/v1/push.grpc.pb.h"
#include "tests/services/fake_publisher.h"
#include "tests/services/push_service_fixture.h"

namespace hubgate::services {
namespace {

using hubcore::Value;
using hubcore::ValueMap;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

using InvokeClientTest = PushServiceTest;

v1::InvokeClientRequest ValidRequest() {
  v1::InvokeClientRequest request;
  request.set_hub("posts");
  request.set_connection_id("c1");
  request.set_method("GetLocation");
  return request;
}

void ExpectInvalid(const grpc::Status& status, const std::string& message) {
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_EQ(status.error_message(), message);
}

TEST_F(InvokeClientTest, ResultReachesTheCaller) {
  publisher_.set_client_result(FakePublisher::ClientResult{
      false, Value(ValueMap{{"lat", Value(1.5)}, {"tags", Value(hubcore::ValueArray{"a"})}}), ""});
  v1::InvokeClientRequest request = ValidRequest();
  request.mutable_arguments()->add_values()->set_string_value("precise");
  request.mutable_arguments()->add_values()->set_int_value(7);
  v1::InvokeClientResponse response;
  grpc::Status status = InvokeClient(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.outcome_case(), v1::InvokeClientResponse::kResult);
  const auto& fields = response.result().map_value().fields();
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields.at("lat").double_value(), 1.5);
  EXPECT_EQ(fields.at("tags").list_value().values(0).string_value(), "a");

  std::vector<FakePublisher::ClientInvocation> calls = publisher_.client_invocations();
  ASSERT_THAT(calls, SizeIs(1));
  EXPECT_EQ(calls[0].hub, "posts");
  EXPECT_EQ(calls[0].connection_id, "c1");
  EXPECT_EQ(calls[0].method, "GetLocation");
  EXPECT_THAT(calls[0].arguments, ElementsAre(Value("precise"), Value(7)));
  EXPECT_EQ(calls[0].timeout, std::chrono::milliseconds(30'000));  // 0 means 30 s
}

TEST_F(InvokeClientTest, NullResultIsSetExplicitly) {
  publisher_.set_client_result(FakePublisher::ClientResult{false, Value(), ""});
  v1::InvokeClientResponse response;
  ASSERT_TRUE(InvokeClient(ValidRequest(), &response).ok());
  ASSERT_EQ(response.outcome_case(), v1::InvokeClientResponse::kResult);
  EXPECT_EQ(response.result().kind_case(), v1::Value::kNullValue);
}

TEST_F(InvokeClientTest, TimeoutAndJsonArgumentsArePassedOn) {
  v1::InvokeClientRequest request = ValidRequest();
  request.set_timeout_ms(600'000);
  request.set_arguments_json(R"([1, "two"])");
  v1::InvokeClientResponse response;
  ASSERT_TRUE(InvokeClient(request, &response).ok());
  std::vector<FakePublisher::ClientInvocation> calls = publisher_.client_invocations();
  ASSERT_THAT(calls, SizeIs(1));
  EXPECT_EQ(calls[0].timeout, std::chrono::milliseconds(600'000));
  EXPECT_THAT(calls[0].arguments, ElementsAre(Value(1), Value("two")));
}

TEST_F(InvokeClientTest, ClientErrorIsAnAnswer) {
  publisher_.set_client_result(
      FakePublisher::ClientResult{true, Value(), "Client didn't provide a result."});
  v1::InvokeClientResponse response;
  grpc::Status status = InvokeClient(ValidRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.outcome_case(), v1::InvokeClientResponse::kError);
  EXPECT_EQ(response.error(), "Client didn't provide a result.");
}

TEST_F(InvokeClientTest, PublisherErrorsPassThrough) {
  struct Case {
    absl::Status status;
    grpc::StatusCode code;
  };
  const std::vector<Case> cases = {
      {absl::NotFoundError("Connection 'c1' does not exist."), grpc::StatusCode::NOT_FOUND},
      {absl::UnavailableError("Connection 'c1' disconnected."), grpc::StatusCode::UNAVAILABLE},
      {absl::DeadlineExceededError("the client did not answer within 30000 ms"),
       grpc::StatusCode::DEADLINE_EXCEEDED},
  };
  for (const Case& c : cases) {
    publisher_.set_client_result(c.status);
    v1::InvokeClientResponse response;
    grpc::Status status = InvokeClient(ValidRequest(), &response);
    EXPECT_EQ(status.error_code(), c.code);
    EXPECT_EQ(status.error_message(), c.status.message());
  }
}

TEST_F(InvokeClientTest, AsyncCompletion) {
  publisher_.set_async(true);
  v1::InvokeClientResponse response;
  ASSERT_TRUE(InvokeClient(ValidRequest(), &response).ok());
  EXPECT_EQ(response.result().int_value(), 42);
  EXPECT_EQ(publisher_.async_completions(), 1);
}

TEST_F(InvokeClientTest, InvalidRequests) {
  v1::InvokeClientResponse response;
  v1::InvokeClientRequest request = ValidRequest();
  request.clear_hub();
  ExpectInvalid(InvokeClient(request, &response), "hub: required");

  request = ValidRequest();
  request.clear_connection_id();
  ExpectInvalid(InvokeClient(request, &response), "connection_id: required");

  request = ValidRequest();
  request.clear_method();
  ExpectInvalid(InvokeClient(request, &response), "method: required");

  request = ValidRequest();
  request.set_timeout_ms(600'001);
  ExpectInvalid(InvokeClient(request, &response),
                "timeout_ms: must be at most 600000 (10 minutes)");

  request = ValidRequest();
  request.set_arguments_json(R"({"not":"an array"})");
  ExpectInvalid(InvokeClient(request, &response),
                "arguments_json: expected a JSON array, e.g. [1, \"a\"]");

  EXPECT_THAT(publisher_.client_invocations(), IsEmpty());
}

TEST_F(InvokeClientTest, UnknownHubIsNotFound) {
  v1::InvokeClientRequest request = ValidRequest();
  request.set_hub("nope");
  v1::InvokeClientResponse response;
  grpc::Status status = InvokeClient(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "hub 'nope' is not configured");
  EXPECT_THAT(publisher_.client_invocations(), IsEmpty());
}

}  // namespace
}  // namespace hubgate::services
