#include "services/grpc_hub_backend.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/services/fake_hub_handler.h"
#include "tests/services/grpc_hub_backend_fixture.h"
#include "tests/services/test_waiters.h"

namespace hubgate::services {
namespace {

using hubcore::CallOutcome;
using hubcore::MethodInfo;
using hubcore::Value;
using hubcore::ValueArray;
using hubcore::ValueMap;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

TEST_F(GrpcHubBackendTest, DescribesTheHubAndFindsMethodsIgnoringCase) {
  std::vector<v1::DescribeRequest> describes = handler().describes.Get();
  ASSERT_THAT(describes, SizeIs(1));
  EXPECT_EQ(describes[0].hub(), "posts");

  std::optional<MethodInfo> echo = backend_->FindMethod("eCHO");
  ASSERT_TRUE(echo.has_value());
  EXPECT_EQ(echo->name, "Echo");  // canonical spelling; the later "echo" duplicate is ignored
  EXPECT_EQ(echo->kind, MethodInfo::Kind::kInvoke);
  EXPECT_EQ(echo->upload_streams, 0u);

  std::optional<MethodInfo> count = backend_->FindMethod("COUNT");
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(count->name, "Count");
  EXPECT_EQ(count->kind, MethodInfo::Kind::kStream);

  std::optional<MethodInfo> upload = backend_->FindMethod("upload");
  ASSERT_TRUE(upload.has_value());
  EXPECT_EQ(upload->upload_streams, 2u);

  EXPECT_FALSE(backend_->FindMethod("Nope").has_value());
  EXPECT_FALSE(backend_->FindMethod("").has_value());
  EXPECT_TRUE(backend_->HasDescription());
  EXPECT_THAT(handler().describes.Get(), SizeIs(1));  // a known description is not refreshed
}

TEST_F(GrpcHubBackendTest, InvokeOutcomes) {
  Value argument(ValueMap{{"id", 42}, {"tags", Value(ValueArray{"a", nullptr})}});
  CallOutcome echo = InvokeAndWait("Echo", {argument, "ignored"});
  ASSERT_EQ(echo.kind, CallOutcome::Kind::kResult) << echo.message;
  EXPECT_EQ(echo.result, argument);

  EXPECT_EQ(InvokeAndWait("Void").kind, CallOutcome::Kind::kVoid);

  CallOutcome null_result = InvokeAndWait("Null");
  EXPECT_EQ(null_result.kind, CallOutcome::Kind::kResult);
  EXPECT_TRUE(null_result.result.IsNull());

  CallOutcome thrown = InvokeAndWait("Throw");
  EXPECT_EQ(thrown.kind, CallOutcome::Kind::kHubError);
  EXPECT_EQ(thrown.message, "Bad");

  CallOutcome denied = InvokeAndWait("Deny");
  EXPECT_EQ(denied.kind, CallOutcome::Kind::kFailure);
  EXPECT_EQ(denied.message, "PERMISSION_DENIED: nope");
}

TEST_F(GrpcHubBackendTest, RequestCarriesCanonicalNameArgumentsIdAndContext) {
  hubcore::CallContext context = Context("c7");
  context.user_id = "alice";
  context.claims = {{"sub", "alice"}, {"roles", R"(["admin"])"}};
  context.transport = "WebSockets";
  context.protocol = "messagepack";
  context.query = {{"room", "42"}};
  context.headers = {{"user-agent", "test"}, {"x-tenant", "t1"}};

  OutcomeProbe probe;
  auto call =
      backend_->Invoke(context, Method("ECHO"), {Value(1), Value("two")}, "9", probe.Callback());
  ASSERT_TRUE(probe.Wait().has_value());
  // A send: no invocation id.
  OutcomeProbe send_probe;
  auto send = backend_->Invoke(context, Method("void"), {}, "", send_probe.Callback());
  ASSERT_TRUE(send_probe.Wait().has_value());

  std::vector<v1::InvokeRequest> requests = handler().invokes.Get();
  ASSERT_THAT(requests, SizeIs(2));
  const v1::InvokeRequest& request = requests[0];
  EXPECT_EQ(request.method(), "Echo");
  EXPECT_EQ(request.invocation_id(), "9");
  ASSERT_EQ(request.arguments_size(), 2);
  EXPECT_EQ(request.arguments(0).int_value(), 1);
  EXPECT_EQ(request.arguments(1).string_value(), "two");
  const v1::CallContext& sent = request.context();
  EXPECT_EQ(sent.hub(), "posts");
  EXPECT_EQ(sent.connection_id(), "c7");
  EXPECT_EQ(sent.user_id(), "alice");
  EXPECT_EQ(sent.transport(), "WebSockets");
  EXPECT_EQ(sent.protocol(), "messagepack");
  EXPECT_THAT(sent.claims(),
              UnorderedElementsAre(Pair("sub", "alice"), Pair("roles", R"(["admin"])")));
  EXPECT_THAT(sent.query(), UnorderedElementsAre(Pair("room", "42")));
  EXPECT_THAT(sent.headers(),
              UnorderedElementsAre(Pair("user-agent", "test"), Pair("x-tenant", "t1")));

  EXPECT_EQ(requests[1].method(), "Void");
  EXPECT_EQ(requests[1].invocation_id(), "");
}

TEST_F(GrpcHubBackendTest, DeadlineExceededIsAFailure) {
  std::unique_ptr<GrpcHubBackend> quick = MakeBackend(std::chrono::milliseconds(300));
  ASSERT_TRUE(quick->WaitForDescriptionForTest(kWaitTimeout));
  const auto start = std::chrono::steady_clock::now();
  CallOutcome outcome = InvokeAndWait("Hang", {}, quick.get());
  EXPECT_EQ(outcome.kind, CallOutcome::Kind::kFailure);
  EXPECT_THAT(outcome.message, StartsWith("DEADLINE_EXCEEDED: "));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_THAT(handler().cancellations.WaitFor(1), SizeIs(1));  // the backend saw it end
}

TEST_F(GrpcHubBackendTest, CallOutlivesItsHandleAndCancelAfterTheEndIsHarmless) {
  OutcomeProbe dropped;
  backend_->Invoke(Context(), Method("Echo"), {Value("x")}, "1", dropped.Callback()).reset();
  std::optional<CallOutcome> outcome = dropped.Wait();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->result, Value("x"));

  OutcomeProbe kept;
  auto call = backend_->Invoke(Context(), Method("Echo"), {Value("y")}, "2", kept.Callback());
  ASSERT_TRUE(kept.Wait().has_value());
  call->Cancel();
  call->Cancel();
  call.reset();
  EXPECT_EQ(kept.calls(), 1u);

  // The backend object may go first, too.
  OutcomeProbe orphan;
  auto orphan_call =
      backend_->Invoke(Context(), Method("Echo"), {Value("z")}, "3", orphan.Callback());
  backend_.reset();
  outcome = orphan.Wait();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->result, Value("z"));
}

TEST_F(GrpcHubBackendTest, CancelledInvokeReportsCancelledOnce) {
  OutcomeProbe probe;
  auto call = backend_->Invoke(Context(), Method("Hang"), {}, "1", probe.Callback());
  ASSERT_THAT(handler().invokes.WaitFor(1), SizeIs(1));  // the backend is working on it
  call->Cancel();
  std::optional<CallOutcome> outcome = probe.Wait();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, CallOutcome::Kind::kFailure);
  EXPECT_EQ(outcome->message, "cancelled");
  EXPECT_THAT(handler().cancellations.WaitFor(1), SizeIs(1));
  call->Cancel();
  EXPECT_EQ(probe.calls(), 1u);
}

TEST_F(GrpcHubBackendTest, OnConnectedAcceptsRejectsAndFails) {
  Recorder<absl::StatusOr<std::string>> answers;
  const std::vector<std::string> ids = {"c1", "c-reject", "c-fail"};
  for (size_t i = 0; i < ids.size(); ++i) {  // one at a time, so the answers keep their order
    backend_->OnConnected(Context(ids[i]), [&answers](absl::StatusOr<std::string> answer) {
      answers.Add(std::move(answer));
    });
    ASSERT_THAT(answers.WaitFor(i + 1), SizeIs(i + 1));
  }
  std::vector<absl::StatusOr<std::string>> got = answers.Get();
  ASSERT_THAT(got, SizeIs(3));
  ASSERT_TRUE(got[0].ok());
  EXPECT_EQ(*got[0], "");
  ASSERT_TRUE(got[1].ok());
  EXPECT_EQ(*got[1], "Go away");
  EXPECT_EQ(got[2].status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(got[2].status().message()), HasSubstr("down"));

  std::vector<v1::ConnectedRequest> connects = handler().connects.Get();
  ASSERT_THAT(connects, SizeIs(3));
  EXPECT_EQ(connects[1].context().connection_id(), "c-reject");
  EXPECT_EQ(connects[1].context().transport(), "WebSockets");
}

TEST_F(GrpcHubBackendTest, OnDisconnectedReachesTheBackendWithTheError) {
  backend_->OnDisconnected(Context("c9"), "Connection closed with an error.");
  backend_->OnDisconnected(Context("c10"), "");
  std::vector<v1::DisconnectedRequest> disconnects = handler().disconnects.WaitFor(2);
  ASSERT_THAT(disconnects, SizeIs(2));
  // Fire and forget: the two calls may arrive in either order.
  if (disconnects[0].context().connection_id() != "c9") {
    std::swap(disconnects[0], disconnects[1]);
  }
  EXPECT_EQ(disconnects[0].context().connection_id(), "c9");
  EXPECT_EQ(disconnects[0].error(), "Connection closed with an error.");
  EXPECT_EQ(disconnects[1].context().connection_id(), "c10");
  EXPECT_EQ(disconnects[1].error(), "");
}

TEST(GrpcHubBackendCreateTest, EmptyTargetIsRejected) {
  hubcore::HubOptions options;
  options.name = "posts";
  auto backend = GrpcHubBackend::Create(options);
  EXPECT_EQ(backend.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(backend.status().message(), "hub 'posts': backend_target is empty");
}

TEST(GrpcHubBackendDownTest, GuessesWhileDownAndDescribesOnceTheBackendIsUp) {
  const std::string path = absl::StrCat("/tmp/hubgate-backend-test-", ::getpid(), ".sock");
  std::remove(path.c_str());
  hubcore::HubOptions options;
  options.name = "posts";
  options.backend_target = "unix:" + path;
  options.backend_deadline = std::chrono::seconds(2);
  GrpcHubBackendTuning tuning;
  tuning.describe_retry_interval = std::chrono::milliseconds(0);
  tuning.max_reconnect_backoff = std::chrono::milliseconds(100);
  auto created = GrpcHubBackend::Create(options, tuning);
  ASSERT_TRUE(created.ok()) << created.status();
  std::unique_ptr<GrpcHubBackend> backend = *std::move(created);

  // Nothing is known: any name is a plain invoke, which then fails as a backend failure.
  std::optional<MethodInfo> guess = backend->FindMethod("AnyName");
  ASSERT_TRUE(guess.has_value());
  EXPECT_EQ(guess->name, "AnyName");
  EXPECT_EQ(guess->kind, MethodInfo::Kind::kInvoke);
  EXPECT_EQ(guess->upload_streams, 0u);
  EXPECT_FALSE(backend->HasDescription());

  OutcomeProbe probe;
  const auto start = std::chrono::steady_clock::now();
  auto call = backend->Invoke(TestCallContext(), *guess, {}, "1", probe.Callback());
  std::optional<CallOutcome> outcome = probe.Wait();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, CallOutcome::Kind::kFailure);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));

  // The backend starts; lookups trigger Describe until one succeeds.
  FakeBackendServer server("unix:" + path);
  ASSERT_TRUE(server.ok());
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool described = false;
  while (!described && std::chrono::steady_clock::now() < give_up) {
    EXPECT_TRUE(backend->FindMethod("Nope").has_value());  // still a guess
    described = backend->WaitForDescriptionForTest(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(described);
  EXPECT_FALSE(backend->FindMethod("Nope").has_value());
  std::optional<MethodInfo> echo = backend->FindMethod("echo");
  ASSERT_TRUE(echo.has_value());
  EXPECT_EQ(echo->name, "Echo");

  OutcomeProbe echo_probe;
  auto echo_call =
      backend->Invoke(TestCallContext(), *echo, {Value("back")}, "2", echo_probe.Callback());
  outcome = echo_probe.Wait();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->result, Value("back"));
  backend.reset();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace hubgate::services
