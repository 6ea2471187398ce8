// What a backend's HubError becomes (issue 11, item 10): untyped or "HubException" is a
// HubException; another type name is an exception shown only with detailed errors; a type that
// is not a type name (it would reach clients as text) is a plain failure.
#include "services/backend_call_support.h"

#include <string>

#include "gtest/gtest.h"

namespace hubgate::services {
namespace {

using hubcore::CallOutcome;

v1::HubError Error(std::string type, std::string message) {
  v1::HubError error;
  error.set_type(std::move(type));
  error.set_message(std::move(message));
  return error;
}

TEST(OutcomeFromHubErrorTest, WithoutATypeItIsAHubException) {
  CallOutcome outcome = OutcomeFromHubError(Error("", "Post 7 is locked."));
  EXPECT_EQ(outcome.kind, CallOutcome::Kind::kHubError);
  EXPECT_EQ(outcome.message, "Post 7 is locked.");
  EXPECT_EQ(OutcomeFromHubError(Error("HubException", "x")).kind, CallOutcome::Kind::kHubError);
}

TEST(OutcomeFromHubErrorTest, ATypeNameMakesItAnException) {
  for (const std::string type : {"InvalidOperationException", "System.IO.IOException",
                                 "ValueError", "Outer+Inner", "List`1", "io_error"}) {
    CallOutcome outcome = OutcomeFromHubError(Error(type, "msg"));
    EXPECT_EQ(outcome.kind, CallOutcome::Kind::kException) << type;
    EXPECT_EQ(outcome.exception_type, type);
    EXPECT_EQ(outcome.message, "msg");
  }
}

TEST(OutcomeFromHubErrorTest, ATypeThatIsNoTypeNameIsAFailure) {
  for (const std::string type :
       {std::string("Bad: injected"), std::string("two words"), std::string("x\n"),
        std::string(129, 'A')}) {
    CallOutcome outcome = OutcomeFromHubError(Error(type, "msg"));
    EXPECT_EQ(outcome.kind, CallOutcome::Kind::kFailure) << type;
  }
  EXPECT_EQ(OutcomeFromHubError(Error(std::string(128, 'A'), "m")).kind,
            CallOutcome::Kind::kException);
}

TEST(OutcomeFromResponseTest, AnErrorResponseKeepsItsType) {
  v1::InvokeResponse response;
  *response.mutable_error() = Error("KeyNotFoundException", "no key");
  CallOutcome outcome = OutcomeFromResponse(response);
  EXPECT_EQ(outcome.kind, CallOutcome::Kind::kException);
  EXPECT_EQ(outcome.exception_type, "KeyNotFoundException");
}

}  // namespace
}  // namespace hubgate::services
