#include <chrono>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/grpc_hub_backend.h"
#include "tests/services/fake_hub_handler.h"
#include "tests/services/grpc_hub_backend_fixture.h"
#include "tests/services/test_waiters.h"

namespace hubgate::services {
namespace {

using hubcore::CallOutcome;
using hubcore::Value;
using ::testing::ElementsAre;
using ::testing::SizeIs;
using ::testing::StartsWith;

using GrpcHubBackendStreamTest = GrpcHubBackendTest;

// Collects stream items; `items_at_outcome` is what had arrived when the outcome came.
struct StreamProbe {
  std::shared_ptr<Recorder<Value>> items = std::make_shared<Recorder<Value>>();
  std::shared_ptr<Recorder<CallOutcome>> outcomes = std::make_shared<Recorder<CallOutcome>>();
  std::shared_ptr<std::vector<Value>> items_at_outcome = std::make_shared<std::vector<Value>>();

  hubcore::HubBackend::ItemCallback OnItem() {
    return [items = items](Value item) { items->Add(std::move(item)); };
  }
  hubcore::HubBackend::OutcomeCallback Done() {
    return [items = items, outcomes = outcomes, at = items_at_outcome](CallOutcome outcome) {
      *at = items->Get();  // written before the outcome is published
      outcomes->Add(std::move(outcome));
    };
  }
  std::optional<CallOutcome> Wait() {
    std::vector<CallOutcome> got = outcomes->WaitFor(1);
    return got.empty() ? std::nullopt : std::optional<CallOutcome>(got.front());
  }
};

// A writable signal: set once on_writable ran.
struct WritableProbe {
  std::shared_ptr<Recorder<int>> calls = std::make_shared<Recorder<int>>();
  hubcore::HubBackend::WritableCallback Callback() {
    return [calls = calls] { calls->Add(1); };
  }
};

TEST_F(GrpcHubBackendStreamTest, ItemsArriveInOrderThenVoid) {
  StreamProbe probe;
  auto call = backend_->StreamInvoke(Context(), Method("count"), {Value(5)}, "1", probe.OnItem(),
                                     probe.Done());
  std::optional<CallOutcome> outcome = probe.Wait();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, CallOutcome::Kind::kVoid) << outcome->message;
  EXPECT_THAT(*probe.items_at_outcome,
              ElementsAre(Value(0), Value(1), Value(2), Value(3), Value(4)));
  EXPECT_EQ(handler().invokes.Get().at(0).method(), "Count");
}

TEST_F(GrpcHubBackendStreamTest, ErrorEndsTheStreamAsHubError) {
  StreamProbe probe;
  auto call = backend_->StreamInvoke(Context(), Method("StreamFail"), {}, "1", probe.OnItem(),
                                     probe.Done());
  std::optional<CallOutcome> outcome = probe.Wait();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, CallOutcome::Kind::kHubError);
  EXPECT_EQ(outcome->message, "stream broke");
  EXPECT_THAT(*probe.items_at_outcome, ElementsAre(Value("a")));  // "b" is not delivered
  EXPECT_THAT(probe.outcomes->Get(), SizeIs(1));
}

TEST_F(GrpcHubBackendStreamTest, CancelReachesTheBackendAndReportsOnce) {
  // A short unary deadline does not apply to streams.
  std::unique_ptr<GrpcHubBackend> quick = MakeBackend(std::chrono::milliseconds(200));
  ASSERT_TRUE(quick->WaitForDescriptionForTest(kWaitTimeout));
  StreamProbe probe;
  auto call = quick->StreamInvoke(Context(), *quick->FindMethod("Endless"), {}, "1", probe.OnItem(),
                                  probe.Done());
  EXPECT_THAT(probe.items->WaitFor(1), ElementsAre(Value("first")));
  EXPECT_THAT(probe.outcomes->WaitFor(1, std::chrono::milliseconds(600)), SizeIs(0));

  call->Cancel();
  EXPECT_THAT(handler().cancellations.WaitFor(1), ElementsAre("stream"));
  std::optional<CallOutcome> outcome = probe.Wait();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, CallOutcome::Kind::kFailure);
  EXPECT_EQ(outcome->message, "cancelled");
  call->Cancel();  // after the end: harmless
  call.reset();
  EXPECT_THAT(probe.outcomes->Get(), SizeIs(1));
}

TEST_F(GrpcHubBackendStreamTest, BackendFailureIsAFailure) {
  StreamProbe probe;
  server_.reset();  // the backend goes away
  auto call = backend_->StreamInvoke(Context(), Method("Count"), {Value(1)}, "1", probe.OnItem(),
                                     probe.Done());
  std::optional<CallOutcome> outcome = probe.Wait();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, CallOutcome::Kind::kFailure);
  EXPECT_THAT(outcome->message, StartsWith("UNAVAILABLE: "));
}

TEST_F(GrpcHubBackendStreamTest, UploadsArriveInOrderWithCompletions) {
  OutcomeProbe probe;
  WritableProbe writable;
  auto call = backend_->InvokeWithUploads(Context(), Method("upload"), {Value("x")}, "7",
                                          writable.Callback(), probe.Callback());
  EXPECT_TRUE(call->PushItem(0, Value("a0")));
  EXPECT_TRUE(call->PushItem(1, Value("b0")));
  EXPECT_TRUE(call->PushItem(0, Value("a1")));
  call->CompleteStream(0, std::nullopt);
  call->CompleteStream(1, "Error: boom");
  std::optional<CallOutcome> outcome = probe.Wait();
  ASSERT_TRUE(outcome.has_value());
  ASSERT_EQ(outcome->kind, CallOutcome::Kind::kResult) << outcome->message;
  EXPECT_EQ(outcome->result, Value(3));  // the fake returns its item count

  std::vector<v1::UploadMessage> got = handler().uploads.Get();
  ASSERT_THAT(got, SizeIs(6));
  ASSERT_TRUE(got[0].has_invocation());
  EXPECT_EQ(got[0].invocation().method(), "Upload");
  EXPECT_EQ(got[0].invocation().invocation_id(), "7");
  EXPECT_EQ(got[0].invocation().context().connection_id(), "c1");
  ASSERT_EQ(got[0].invocation().arguments_size(), 1);
  EXPECT_EQ(got[0].invocation().arguments(0).string_value(), "x");
  const std::vector<std::pair<uint32_t, std::string>> expected_items = {
      {0, "a0"}, {1, "b0"}, {0, "a1"}};
  for (size_t i = 0; i < expected_items.size(); ++i) {
    ASSERT_TRUE(got[i + 1].has_item()) << i;
    EXPECT_EQ(got[i + 1].item().stream_index(), expected_items[i].first);
    EXPECT_EQ(got[i + 1].item().item().string_value(), expected_items[i].second);
  }
  ASSERT_TRUE(got[4].has_completion());
  EXPECT_EQ(got[4].completion().stream_index(), 0u);
  EXPECT_EQ(got[4].completion().error(), "");
  ASSERT_TRUE(got[5].has_completion());
  EXPECT_EQ(got[5].completion().stream_index(), 1u);
  EXPECT_EQ(got[5].completion().error(), "Error: boom");
  EXPECT_THAT(writable.calls->Get(), SizeIs(0));  // never pushed back
  // After the end, items are dropped without back-pressure.
  EXPECT_TRUE(call->PushItem(0, Value("late")));
  EXPECT_EQ(probe.calls(), 1u);
}

TEST_F(GrpcHubBackendStreamTest, PushItemPushesBackUntilTheQueueDrains) {
  std::unique_ptr<GrpcHubBackend> small = MakeBackend(std::chrono::seconds(20), 2);
  ASSERT_TRUE(small->WaitForDescriptionForTest(kWaitTimeout));
  handler().HoldUploads();  // the backend reads nothing yet
  OutcomeProbe probe;
  WritableProbe writable;
  auto call = small->InvokeWithUploads(Context(), *small->FindMethod("Upload"), {}, "1",
                                       writable.Callback(), probe.Callback());
  // Push faster than the writes go out until the call refuses; the refused item is queued.
  // (How much the transport absorbs without the backend reading varies, so push until then.)
  constexpr int kMaxItems = 200;
  const std::string payload(64 * 1024, 'p');
  int pushed = 0;
  bool refused = false;
  while (!refused && pushed < kMaxItems) {
    refused = !call->PushItem(0, Value(absl::StrCat(pushed, ":", payload)));
    ++pushed;
  }
  ASSERT_TRUE(refused);

  handler().ReleaseUploads();
  EXPECT_THAT(writable.calls->WaitFor(1), SizeIs(1));  // once per refusal
  call->CompleteStream(0, std::nullopt);
  call->CompleteStream(1, std::nullopt);
  std::optional<CallOutcome> outcome = probe.Wait(std::chrono::seconds(20));
  ASSERT_TRUE(outcome.has_value());
  ASSERT_EQ(outcome->kind, CallOutcome::Kind::kResult) << outcome->message;
  EXPECT_EQ(outcome->result, Value(pushed));
  EXPECT_THAT(writable.calls->Get(), SizeIs(1));

  std::vector<v1::UploadMessage> got = handler().uploads.Get();
  ASSERT_THAT(got, SizeIs(pushed + 3));  // invocation, items, two completions
  for (int i = 0; i < pushed; ++i) {
    ASSERT_TRUE(got[i + 1].has_item());
    EXPECT_THAT(got[i + 1].item().item().string_value(), StartsWith(absl::StrCat(i, ":")));
  }
}

TEST_F(GrpcHubBackendStreamTest, CancelledUploadReportsCancelledOnce) {
  OutcomeProbe probe;
  WritableProbe writable;
  auto call = backend_->InvokeWithUploads(Context(), Method("Upload"), {}, "1", writable.Callback(),
                                          probe.Callback());
  EXPECT_TRUE(call->PushItem(0, Value(1)));
  ASSERT_THAT(handler().uploads.WaitFor(2), SizeIs(2));  // invocation and the item
  call->Cancel();
  std::optional<CallOutcome> outcome = probe.Wait();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, CallOutcome::Kind::kFailure);
  EXPECT_EQ(outcome->message, "cancelled");
  EXPECT_THAT(handler().cancellations.WaitFor(1), ElementsAre("upload"));
  EXPECT_TRUE(call->PushItem(0, Value(2)));  // dropped
  call->CompleteStream(0, std::nullopt);
  call->Cancel();
  EXPECT_EQ(probe.calls(), 1u);
}

TEST_F(GrpcHubBackendStreamTest, StalledUploadEndsAtTheDeadline) {
  std::unique_ptr<GrpcHubBackend> quick = MakeBackend(std::chrono::milliseconds(300));
  ASSERT_TRUE(quick->WaitForDescriptionForTest(kWaitTimeout));
  OutcomeProbe probe;
  WritableProbe writable;
  // The client sends nothing after the invocation and never completes its streams.
  auto call = quick->InvokeWithUploads(Context(), *quick->FindMethod("Upload"), {}, "1",
                                       writable.Callback(), probe.Callback());
  std::optional<CallOutcome> outcome = probe.Wait();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, CallOutcome::Kind::kFailure);
  EXPECT_THAT(outcome->message, StartsWith("DEADLINE_EXCEEDED: "));
  EXPECT_EQ(probe.calls(), 1u);
}

}  // namespace
}  // namespace hubgate::services
