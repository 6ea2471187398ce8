#include "gateway/runtime/local_publisher.h"

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "hubcore/connection_id.h"

namespace hubgate::gateway {
namespace {

// Counts deliveries; touched only on its worker's thread, read after the workers stopped.
class CountingSink : public hubcore::ConnectionSink {
 public:
  void Deliver(const hubcore::SerializedMessage& message) override {
    ++deliveries;
    last_frame = message.FrameFor(hubcore::HubProtocol::kJson);
  }
  void InvokeClient(std::string method, std::vector<hubcore::Value>,
                    std::chrono::steady_clock::time_point,
                    hubcore::ClientResultCallback done) override {
    std::move(done)(hubcore::ClientResult{false, hubcore::Value(method), ""});
  }
  int deliveries = 0;
  hubcore::FrameConstSharedPtr last_frame;
};

class LocalPublisherTest : public ::testing::Test {
 protected:
  static constexpr int kPerWorker = 50;

  void SetUp() override {
    pool_.Start();
    // kPerWorker connections on each worker; even ones in group "even"; user "u<i % 5>".
    for (uint32_t w = 0; w < pool_.size(); ++w) {
      std::promise<void> added;
      pool_.at(w).Post([this, w, &added] {
        for (int i = 0; i < kPerWorker; ++i) {
          std::array<uint8_t, 16> random{};
          random[1] = static_cast<uint8_t>(i);
          std::string id = hubcore::ConnectionId::Make(w, random);
          auto& sink = sinks_[w * kPerWorker + i];
          auto& index = pool_.at(w).IndexFor("posts");
          index.AddConnection(id, "u" + std::to_string(i % 5), &sink);
          if (i % 2 == 0) index.AddToGroup(id, "even");
          ids_[w * kPerWorker + i] = id;
        }
        added.set_value();
      });
      added.get_future().wait();
    }
  }

  uint64_t PublishAndWait(const hubcore::Audience& audience) {
    std::promise<absl::StatusOr<hubcore::PublishOutcome>> result;
    auto message = std::make_shared<const hubcore::SerializedMessage>(
        hubcore::InvocationMessage{{}, std::nullopt, "Hello", {hubcore::Value(1)}, {}});
    publisher_.Publish("posts", audience, message,
                       [&](absl::StatusOr<hubcore::PublishOutcome> outcome) {
                         result.set_value(outcome);
                       });
    auto outcome = result.get_future().get();
    EXPECT_TRUE(outcome.ok());
    return outcome.ok() ? outcome->queued_connections : 0;
  }

  WorkerPool pool_{2};
  LocalPublisher publisher_{pool_, {"posts"}};
  std::array<CountingSink, 2 * kPerWorker> sinks_;
  std::array<std::string, 2 * kPerWorker> ids_;
};

TEST_F(LocalPublisherTest, CountsRecipientsAcrossWorkers) {
  EXPECT_EQ(PublishAndWait(hubcore::Audience::All()), 2u * kPerWorker);
  EXPECT_EQ(PublishAndWait(hubcore::Audience::Groups({"even"})), static_cast<uint64_t>(kPerWorker));
  EXPECT_EQ(PublishAndWait(hubcore::Audience::Users({"u0"})), 20u);
  EXPECT_EQ(PublishAndWait(hubcore::Audience::Connections({ids_[0], ids_[kPerWorker + 1], "junk"})),
            2u);
  EXPECT_EQ(PublishAndWait(hubcore::Audience::All({ids_[0], ids_[1]})), 2u * kPerWorker - 2);
  pool_.Drain(std::chrono::milliseconds(0), std::chrono::milliseconds(100));
  pool_.Stop();
  EXPECT_EQ(sinks_[0].deliveries, 4);  // all, even, u0, connection (excluded from the last)
  EXPECT_EQ(sinks_[kPerWorker + 1].deliveries, 3);  // all, connection, all-except
}

TEST_F(LocalPublisherTest, ConcurrentPublishersShareOneFramePerMessage) {
  constexpr int kThreads = 4;
  constexpr int kPublishes = 200;
  std::atomic<uint64_t> total{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kPublishes; ++i) {
        total += PublishAndWait(hubcore::Audience::Groups({"even"}));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(total.load(), uint64_t{kThreads} * kPublishes * kPerWorker);
  pool_.Drain(std::chrono::milliseconds(0), std::chrono::milliseconds(100));
  pool_.Stop();
  EXPECT_EQ(sinks_[0].deliveries, kThreads * kPublishes);
  EXPECT_EQ(sinks_[1].deliveries, 0);
  EXPECT_EQ(*sinks_[0].last_frame, "{\"type\":1,\"target\":\"Hello\",\"arguments\":[1]}\x1e");
}

TEST_F(LocalPublisherTest, GroupChangesGoToTheOwningWorker) {
  std::promise<absl::StatusOr<bool>> found;
  publisher_.AddToGroup("posts", ids_[kPerWorker + 1], "odd-one",
                        [&](absl::StatusOr<bool> r) { found.set_value(r); });
  EXPECT_EQ(found.get_future().get().value_or(false), true);
  EXPECT_EQ(PublishAndWait(hubcore::Audience::Groups({"odd-one"})), 1u);

  std::promise<absl::StatusOr<bool>> missing;
  publisher_.RemoveFromGroup("posts", "not-an-id", "odd-one",
                             [&](absl::StatusOr<bool> r) { missing.set_value(r); });
  EXPECT_EQ(missing.get_future().get().value_or(true), false);
}

TEST_F(LocalPublisherTest, UnknownHubIsNotFound) {
  std::promise<absl::StatusOr<hubcore::PublishOutcome>> result;
  auto message = std::make_shared<const hubcore::SerializedMessage>(hubcore::PingMessage{});
  publisher_.Publish("nope", hubcore::Audience::All(), message,
                     [&](absl::StatusOr<hubcore::PublishOutcome> r) { result.set_value(r); });
  EXPECT_TRUE(absl::IsNotFound(result.get_future().get().status()));
}

}  // namespace
}  // namespace hubgate::gateway
