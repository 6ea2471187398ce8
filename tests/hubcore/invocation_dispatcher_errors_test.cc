// The error texts of hub methods as ASP.NET Core builds them (issue 11, item 10): an error with
// an exception type is masked unless detailed errors are on; a stream that fails before its
// first item is a failed invocation, after it a failure while streaming.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "hubcore/hub_connection.h"
#include "hubcore/invocation_dispatcher.h"
#include "tests/mocks/fake_connection_host.h"
#include "tests/mocks/fake_hub_backend.h"

namespace hubgate::hubcore {
namespace {

using Kind = MethodInfo::Kind;

constexpr char kInvoking[] = "An unexpected error occurred invoking '";
constexpr char kStreaming[] = "An error occurred on the server while streaming results.";

class InvocationErrorsTest : public ::testing::Test {
 protected:
  InvocationErrorsTest() {
    backend_.AddMethod("Echo", Kind::kInvoke);
    backend_.AddMethod("Ticks", Kind::kStream);
    options_.name = "posts";
  }

  void Connect() {
    CallContext context;
    context.connection_id = "c1";
    connection_ = std::make_unique<HubConnection>(context, options_, host_, &backend_, now_);
    Send("{\"protocol\":\"json\",\"version\":1}");
    std::move(backend_.pending_connect)(std::string());
    host_.RunPosted();
    ASSERT_EQ(host_.Take(), "{}\x1e");
  }
  void Send(const std::string& json) { connection_->OnData(json + "\x1e", now_); }
  // The error of the one Completion written since the last call.
  std::string CompletionError() {
    const std::string written = host_.Take();
    const std::string key = "\"error\":\"";
    const size_t start = written.find(key);
    if (start == std::string::npos) return "<no error in " + written + ">";
    const size_t end = written.find("\"}", start);
    return written.substr(start + key.size(), end - start - key.size());
  }
  void Invoke(CallOutcome outcome) {
    Send("{\"type\":1,\"target\":\"Echo\",\"arguments\":[],\"invocationId\":\"1\"}");
    backend_.calls.back()->Finish(std::move(outcome));
    host_.RunPosted();
  }
  void Stream(int items, CallOutcome outcome) {
    Send("{\"type\":4,\"target\":\"Ticks\",\"arguments\":[],\"invocationId\":\"2\"}");
    for (int i = 0; i < items; ++i) {
      backend_.calls.back()->on_item(Value(i));
    }
    host_.RunPosted();
    if (items > 0) host_.Take();
    backend_.calls.back()->Finish(std::move(outcome));
    host_.RunPosted();
  }

  HubOptions options_;
  testing::FakeHubBackend backend_;
  testing::FakeConnectionHost host_;
  TimePoint now_{};
  std::unique_ptr<HubConnection> connection_;
};

TEST_F(InvocationErrorsTest, ATypedErrorIsMaskedWithoutDetailedErrors) {
  Connect();
  Invoke(CallOutcome::Exception("InvalidOperationException", "secret state"));
  EXPECT_EQ(CompletionError(), std::string(kInvoking) + "Echo' on the server.");
}

TEST_F(InvocationErrorsTest, ATypedErrorShowsTypeAndMessageWithDetailedErrors) {
  options_.detailed_errors = true;
  Connect();
  Invoke(CallOutcome::Exception("InvalidOperationException", "Sequence contains no elements"));
  EXPECT_EQ(CompletionError(), std::string(kInvoking) +
                                   "Echo' on the server. InvalidOperationException: Sequence "
                                   "contains no elements");
}

TEST_F(InvocationErrorsTest, AStreamFailingBeforeItsFirstItemIsAFailedInvocation) {
  Connect();
  Stream(0, CallOutcome::HubError("no sensor"));
  EXPECT_EQ(CompletionError(),
            std::string(kInvoking) + "Ticks' on the server. HubException: no sensor");
  Stream(0, CallOutcome::Failure("UNAVAILABLE: down"));
  EXPECT_EQ(CompletionError(), std::string(kInvoking) + "Ticks' on the server.");
}

TEST_F(InvocationErrorsTest, AStreamFailingAfterAnItemFailedWhileStreaming) {
  options_.detailed_errors = true;
  Connect();
  Stream(2, CallOutcome::Exception("IOException", "disk"));
  EXPECT_EQ(CompletionError(), std::string(kStreaming) + " IOException: disk");
  Stream(0, CallOutcome::Exception("ArgumentException", "bad id"));
  EXPECT_EQ(CompletionError(),
            std::string(kInvoking) + "Ticks' on the server. ArgumentException: bad id");
}

}  // namespace
}  // namespace hubgate::hubcore
