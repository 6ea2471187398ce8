// Two replicas in one process (two worker pools, two backplanes) on a real redis-server: what
// one replica's Publisher does reaches the connections of the other, and with Redis gone the
// local share is still served while the rest fails loudly. Runs in the sanitizer builds too.
#include "gateway/backplane/cluster_publisher.h"

#include <gtest/gtest.h>

#include <array>
#include <future>
#include <memory>
#include <string>

#include "gateway/backplane/backplane.h"
#include "spdlog/spdlog.h"
#include "gateway/ops/metrics.h"
#include "gateway/runtime/worker_pool.h"
#include "hubcore/connection_id.h"
#include "tests/gateway/backplane/redis_server_fixture.h"

namespace hubgate::gateway {
namespace {

using namespace std::chrono_literals;
using testing::RedisServerProcess;

// Counts deliveries; written on its worker's thread, read through the worker as well.
class CountingSink : public hubcore::ConnectionSink {
 public:
  void Deliver(const hubcore::SerializedMessage&) override { ++deliveries; }
  void InvokeClient(std::string method, std::vector<hubcore::Value>,
                    std::chrono::steady_clock::time_point,
                    hubcore::ClientResultCallback done) override {
    std::move(done)(hubcore::ClientResult{false, hubcore::Value("answer to " + method), ""});
  }
  int deliveries = 0;
};

class Replica {
 public:
  Replica(const std::string& name, const std::string& redis_address) : workers_(1) {
    BackplaneOptions options;
    options.redis.addresses = {redis_address};
    options.redis.backoff_initial = 20ms;
    options.redis.backoff_max = 200ms;
    options.replica_id = name;
    options.hubs = {"posts"};
    backplane_ = *Backplane::Create(std::move(options), metrics_);
    publisher_ = std::make_unique<ClusterPublisher>(
        workers_, absl::flat_hash_set<std::string>{"posts"}, *backplane_,
        ClusterPublisher::Options{"127.0.0.1:1", 2000ms}, &metrics_);
    workers_.SetRoutingObserver(backplane_.get());
    workers_.Start();
    publisher_->Start();
  }
  ~Replica() {
    workers_.Stop();
    publisher_->Stop();
  }

  // Adds a connection of `user` on this replica's worker and waits until it is reachable.
  std::string Connect(uint8_t tag, const std::string& user) {
    std::array<uint8_t, 16> random{};
    random[1] = tag;
    random[2] = static_cast<uint8_t>(reinterpret_cast<uintptr_t>(this) & 0xff);
    std::string id = hubcore::ConnectionId::Make(0, random);
    std::promise<void> routable;
    workers_.at(0).Post([&] {
      workers_.at(0).IndexFor("posts").AddConnection(id, user, &sinks_[id]);
      backplane_->WhenRoutable("posts", id, user, [&routable] { routable.set_value(); });
    });
    routable.get_future().wait();
    return id;
  }

  int DeliveriesTo(const std::string& id) {
    std::promise<int> count;
    workers_.at(0).Post([&] { count.set_value(sinks_[id].deliveries); });
    return count.get_future().get();
  }

  bool WaitConnected() {
    for (int i = 0; i < 500 && !backplane_->connected(); ++i) std::this_thread::sleep_for(10ms);
    return backplane_->connected();
  }
  bool WaitDisconnected() {
    for (int i = 0; i < 500 && backplane_->connected(); ++i) std::this_thread::sleep_for(10ms);
    return !backplane_->connected();
  }

  ClusterPublisher& publisher() { return *publisher_; }

 private:
  Metrics metrics_;
  WorkerPool workers_;
  std::unique_ptr<Backplane> backplane_;
  std::unique_ptr<ClusterPublisher> publisher_;
  std::map<std::string, CountingSink> sinks_;  // worker thread only
};

hubcore::SerializedMessageConstSharedPtr Message() {
  hubcore::InvocationMessage invocation;
  invocation.target = "Note";
  return std::make_shared<const hubcore::SerializedMessage>(
      hubcore::HubMessage(std::move(invocation)));
}

absl::StatusOr<hubcore::PublishOutcome> PublishAndWait(Replica& replica,
                                                       const hubcore::Audience& audience) {
  std::promise<absl::StatusOr<hubcore::PublishOutcome>> outcome;
  replica.publisher().Publish("posts", audience, Message(),
                              [&](absl::StatusOr<hubcore::PublishOutcome> result) {
                                outcome.set_value(std::move(result));
                              });
  return outcome.get_future().get();
}

class ClusterPublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // spdlog's registry is a function-local static of the (uninstrumented) library: made here,
    // once, as main() does before any thread, rather than first by two backplane threads at
    // once, which ThreadSanitizer cannot see synchronised.
    spdlog::default_logger();
    ASSERT_TRUE(redis_.Start());
  }
  RedisServerProcess redis_;
};

TEST_F(ClusterPublisherTest, PushesGroupsAndClientCallsCrossReplicas) {
  Replica a("a", redis_.address());
  Replica b("b", redis_.address());
  ASSERT_TRUE(a.WaitConnected());
  ASSERT_TRUE(b.WaitConnected());
  const std::string on_a = a.Connect(1, "alice");
  const std::string on_b = b.Connect(2, "alice");

  // A push to a connection held by the other replica: counted there, not here.
  auto outcome = PublishAndWait(a, hubcore::Audience::Connections({on_b}));
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->queued_connections, 0u);
  EXPECT_EQ(outcome->replicas_reached, 1u);
  // The user's connections on both replicas; this replica's share is counted.
  outcome = PublishAndWait(a, hubcore::Audience::Users({"alice"}));
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->queued_connections, 1u);
  EXPECT_EQ(outcome->replicas_reached, 2u);

  std::promise<absl::StatusOr<bool>> found;
  a.publisher().AddToGroup("posts", on_b, "g",
                           [&](absl::StatusOr<bool> result) { found.set_value(result); });
  EXPECT_EQ(found.get_future().get().value_or(false), true);
  // Answered only once the group's channel is subscribed: the push reaches the new member.
  outcome = PublishAndWait(a, hubcore::Audience::Groups({"g"}));
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->replicas_reached, 1u);

  std::promise<absl::StatusOr<hubcore::ClientResult>> result;
  a.publisher().InvokeClient("posts", on_b, "Ask", {}, 2000ms,
                             [&](absl::StatusOr<hubcore::ClientResult> r) { result.set_value(r); });
  auto answer = result.get_future().get();
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->result, hubcore::Value("answer to Ask"));

  std::promise<absl::StatusOr<bool>> unknown;
  b.publisher().AddToGroup("posts", "nobody-has-it", "g",
                           [&](absl::StatusOr<bool> r) { unknown.set_value(r); });
  EXPECT_EQ(unknown.get_future().get().value_or(true), false);

  // The deliveries arrive on the workers after the answers: wait for them by count.
  for (int i = 0; i < 500 && b.DeliveriesTo(on_b) < 3; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(b.DeliveriesTo(on_b), 3);  // connection, user, group
  EXPECT_EQ(a.DeliveriesTo(on_a), 1);  // user
}

TEST_F(ClusterPublisherTest, WithRedisDownLocalConnectionsAreServedAndTheRestFails) {
  Replica a("a", redis_.address());
  ASSERT_TRUE(a.WaitConnected());
  const std::string on_a = a.Connect(1, "");
  redis_.Stop();
  ASSERT_TRUE(a.WaitDisconnected());

  auto outcome = PublishAndWait(a, hubcore::Audience::Connections({on_a}));
  ASSERT_TRUE(outcome.ok()) << "every listed connection is local: " << outcome.status();
  EXPECT_EQ(outcome->queued_connections, 1u);
  outcome = PublishAndWait(a, hubcore::Audience::All());
  EXPECT_TRUE(absl::IsUnavailable(outcome.status())) << outcome.status();
  EXPECT_NE(outcome.status().message().find("reached the 1 connection(s) on this replica"),
            std::string::npos)
      << outcome.status();

  ASSERT_TRUE(redis_.Start());
  ASSERT_TRUE(a.WaitConnected());
  outcome = PublishAndWait(a, hubcore::Audience::All());
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->queued_connections, 1u);
}

}  // namespace
}  // namespace hubgate::gateway
