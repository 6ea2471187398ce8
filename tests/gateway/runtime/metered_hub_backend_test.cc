#include "gateway/runtime/metered_hub_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/mocks/mock_hub_backend.h"

namespace hubgate::gateway {
namespace {

using hubcore::CallOutcome;
using hubcore::MethodInfo;
using hubcore::testing::MockHubBackend;
using ::testing::_;
using ::testing::ByMove;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Return;
using ::testing::StrictMock;

// Finishes every call at once with the outcome the test chose.
class MeteredHubBackendTest : public ::testing::Test {
 protected:
  MeteredHubBackendTest() {
    auto inner = std::make_unique<StrictMock<MockHubBackend>>();
    inner_ = inner.get();
    metered_ = std::make_unique<MeteredHubBackend>("chat", std::move(inner), metrics_);
  }

  void AnswerInvokes(CallOutcome outcome) {
    EXPECT_CALL(*inner_, Invoke(_, _, _, _, _))
        .WillRepeatedly([outcome](const hubcore::CallContext&, const MethodInfo&,
                                  std::vector<hubcore::Value>, std::string,
                                  hubcore::HubBackend::OutcomeCallback done) {
          std::move(done)(outcome);
          return nullptr;
        });
  }

  // Calls `method` through the decorator; returns whether the caller's callback ran.
  bool Invoke(const MethodInfo& method) {
    bool answered = false;
    metered_->Invoke({}, method, {}, "1", [&](CallOutcome) { answered = true; });
    return answered;
  }

  Metrics metrics_;
  StrictMock<MockHubBackend>* inner_;
  std::unique_ptr<MeteredHubBackend> metered_;
};

TEST_F(MeteredHubBackendTest, CountsOutcomesUnderTheDescribedMethodName) {
  const MethodInfo echo{"Echo", MethodInfo::Kind::kInvoke};
  AnswerInvokes(CallOutcome::Result(hubcore::Value(1)));
  EXPECT_TRUE(Invoke(echo));
  EXPECT_TRUE(Invoke(echo));
  ::testing::Mock::VerifyAndClearExpectations(inner_);
  AnswerInvokes(CallOutcome::HubError("no"));
  EXPECT_TRUE(Invoke(echo));
  ::testing::Mock::VerifyAndClearExpectations(inner_);
  AnswerInvokes(CallOutcome::Failure("down"));
  EXPECT_TRUE(Invoke(echo));

  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("hubgate_invocations_total{hub=\"chat\",method=\"Echo\","
                              "outcome=\"ok\"} 2"));
  EXPECT_THAT(text, HasSubstr("hubgate_invocations_total{hub=\"chat\",method=\"Echo\","
                              "outcome=\"hub_error\"} 1"));
  EXPECT_THAT(text, HasSubstr("hubgate_invocations_total{hub=\"chat\",method=\"Echo\","
                              "outcome=\"failure\"} 1"));
  EXPECT_THAT(text, HasSubstr("hubgate_backend_call_duration_seconds_count{call=\"invoke\","
                              "hub=\"chat\",method=\"Echo\"} 4"));
}

TEST_F(MeteredHubBackendTest, StreamsAndUploadsAreTimedByKind) {
  const MethodInfo counter{"Counter", MethodInfo::Kind::kStream};
  EXPECT_CALL(*inner_, StreamInvoke(_, _, _, _, _, _))
      .WillOnce([](auto&&, auto&&, auto&&, auto&&, auto&&,
                   hubcore::HubBackend::OutcomeCallback done) {
        std::move(done)(CallOutcome::Void());
        return nullptr;
      });
  metered_->StreamInvoke({}, counter, {}, "1", [](hubcore::Value) {}, [](CallOutcome) {});
  const MethodInfo upload{"Upload", MethodInfo::Kind::kInvoke, 1};
  EXPECT_CALL(*inner_, InvokeWithUploads(_, _, _, _, _, _))
      .WillOnce([](auto&&, auto&&, auto&&, auto&&, auto&&,
                   hubcore::HubBackend::OutcomeCallback done) {
        std::move(done)(CallOutcome::Void());
        return nullptr;
      });
  metered_->InvokeWithUploads({}, upload, {}, "2", [] {}, [](CallOutcome) {});

  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("hubgate_backend_call_duration_seconds_count{call=\"stream\","
                              "hub=\"chat\",method=\"Counter\"} 1"));
  EXPECT_THAT(text, HasSubstr("hubgate_backend_call_duration_seconds_count{call=\"upload\","
                              "hub=\"chat\",method=\"Upload\"} 1"));
}

TEST_F(MeteredHubBackendTest, UnknownMethodsShareOneFixedLabel) {
  EXPECT_CALL(*inner_, FindMethod(_)).WillRepeatedly(Return(std::nullopt));
  for (const char* name : {"a1", "a2", "a3"}) {
    EXPECT_FALSE(metered_->FindMethod(name).has_value());
  }
  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("hubgate_invocations_total{hub=\"chat\",method=\"\","
                              "outcome=\"unknown_method\"} 3"));
  EXPECT_THAT(text, Not(HasSubstr("a1")));
}

TEST_F(MeteredHubBackendTest, GuessesWhileTheDescriptionIsUnknownCreateNoLabels) {
  // The backend is down: FindMethod answers every name with an undescribed guess, and every
  // call fails. Each name a client makes up must not become a new series.
  EXPECT_CALL(*inner_, FindMethod(_)).WillRepeatedly([](std::string_view name) {
    MethodInfo guess{std::string(name), MethodInfo::Kind::kInvoke};
    guess.described = false;
    return std::optional<MethodInfo>(guess);
  });
  AnswerInvokes(CallOutcome::Failure("backend unavailable"));
  for (const char* name : {"Made", "Up", "Names"}) {
    std::optional<MethodInfo> method = metered_->FindMethod(name);
    ASSERT_TRUE(method.has_value());
    EXPECT_EQ(method->name, name) << "the call itself still goes out under its name";
    EXPECT_TRUE(Invoke(*method));
  }
  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("hubgate_invocations_total{hub=\"chat\",method=\"\","
                              "outcome=\"failure\"} 3"));
  EXPECT_THAT(text, HasSubstr("hubgate_backend_call_duration_seconds_count{call=\"invoke\","
                              "hub=\"chat\",method=\"\"} 3"));
  for (const char* name : {"Made", "Up", "Names"}) {
    EXPECT_THAT(text, Not(HasSubstr(name)));
  }
}

TEST_F(MeteredHubBackendTest, ConnectAndDisconnectPassThrough) {
  EXPECT_CALL(*inner_, OnConnected(_, _))
      .WillOnce([](const hubcore::CallContext&, hubcore::HubBackend::ConnectedCallback done) {
        std::move(done)(std::string());
      });
  EXPECT_CALL(*inner_, OnDisconnected(_, "bye"));
  std::optional<absl::StatusOr<std::string>> decision;
  metered_->OnConnected({}, [&](absl::StatusOr<std::string> d) { decision = std::move(d); });
  ASSERT_TRUE(decision.has_value());
  EXPECT_TRUE(decision->ok());
  metered_->OnDisconnected({}, "bye");
  EXPECT_THAT(metrics_.Render(), HasSubstr("hubgate_backend_call_duration_seconds_count{call="
                                           "\"connect\",hub=\"chat\",method=\"\"} 1"));
}

}  // namespace
}  // namespace hubgate::gateway
