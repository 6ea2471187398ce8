#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "gateway/backplane/redis_slot.h"
#include "gateway/backplane/sharded_pub_sub.h"
#include "tests/gateway/backplane/pub_sub_recorder.h"
#include "tests/gateway/backplane/redis_server_fixture.h"

namespace hubgate::gateway {
namespace {

using namespace std::chrono_literals;
using testing::PubSubRecorder;
using testing::RedisClusterProcesses;
using testing::RunUntil;
using Message = std::pair<std::string, std::string>;

// One 3-master cluster for the whole suite: creating it is the slow part (about a second).
class ShardedPubSubClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    cluster_ = new RedisClusterProcesses();
    if (!cluster_->Start()) {
      delete cluster_;
      cluster_ = nullptr;
    }
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(cluster_, nullptr) << "the Redis cluster did not start"; }

  ShardedPubSubOptions ClusterOptions() const {
    ShardedPubSubOptions options;
    options.addresses = {cluster_->addresses()[1]};  // one seed is enough
    options.cluster = true;
    options.backoff_initial = 20ms;
    options.backoff_max = 200ms;
    return options;
  }

  // count channel names per master, by the slot map the client loaded (empty if the map does
  // not spread 3000 names over three masters).
  static std::map<std::string, std::vector<std::string>> ChannelsPerMaster(
      const ClusterSlotMap& map, size_t count) {
    std::map<std::string, std::vector<std::string>> channels;
    for (int i = 0; i < 3000; ++i) {
      std::string channel = "hub:group:" + std::to_string(i);
      const RedisNodeAddress* master = map.MasterForSlot(RedisSlot(channel));
      std::vector<std::string>& on_master = channels[master ? master->ToString() : "none"];
      if (on_master.size() < count) {
        on_master.push_back(channel);
      }
    }
    bool spread = channels.size() == 3 && std::all_of(channels.begin(), channels.end(),
                                                      [&](const auto& entry) {
                                                        return entry.second.size() == count;
                                                      });
    EXPECT_TRUE(spread) << "channels do not spread over three masters";
    return spread ? channels : std::map<std::string, std::vector<std::string>>();
  }

  static RedisClusterProcesses* cluster_;
  net::io_context io_context_;
};

RedisClusterProcesses* ShardedPubSubClusterTest::cluster_ = nullptr;

TEST_F(ShardedPubSubClusterTest, ChannelsOnEveryMasterDeliverEachMessageOnce) {
  PubSubRecorder pub_sub(io_context_, ClusterOptions());
  pub_sub->Start();
  ASSERT_TRUE(pub_sub.Settle());
  std::vector<RedisNodeAddress> masters = pub_sub->slot_map().masters();
  ASSERT_EQ(masters.size(), 3u);
  for (const std::string& address : cluster_->addresses()) {
    EXPECT_NE(std::find_if(masters.begin(), masters.end(),
                           [&](const RedisNodeAddress& master) {
                             return master.ToString() == address;
                           }),
              masters.end())
        << address;
  }

  std::vector<Message> expected;
  std::map<std::string, std::vector<std::string>> per_master =
      ChannelsPerMaster(pub_sub->slot_map(), 2);
  ASSERT_EQ(per_master.size(), 3u);
  for (const auto& [master, channels] : per_master) {
    for (const std::string& channel : channels) {
      pub_sub->Subscribe(channel);
      expected.emplace_back(channel, "to " + channel + " on " + master);
    }
  }
  ASSERT_TRUE(pub_sub.Settle());
  for (const auto& [channel, payload] : expected) {
    ASSERT_TRUE(pub_sub.PublishNow(channel, payload).ok()) << channel;
  }
  ASSERT_TRUE(pub_sub.RunUntilMessages(expected.size()));
  // A message arriving twice would show up before this extra one (same master, same order).
  ASSERT_TRUE(pub_sub.PublishNow(expected.back().first, "end").ok());
  ASSERT_TRUE(pub_sub.RunUntilMessages(expected.size() + 1));
  std::vector<Message> received = pub_sub.messages;
  received.pop_back();
  std::sort(received.begin(), received.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(received, expected);
}

TEST_F(ShardedPubSubClusterTest, MovedRepliesAreFollowedAndReloadTheMap) {
  PubSubRecorder pub_sub(io_context_, ClusterOptions());
  pub_sub->Start();
  ASSERT_TRUE(pub_sub.Settle());
  ClusterSlotMap real_map = pub_sub->slot_map();
  std::map<std::string, std::vector<std::string>> channels = ChannelsPerMaster(real_map, 1);
  ASSERT_FALSE(channels.empty());
  RedisNodeAddress wrong_master = real_map.masters()[0];
  std::string elsewhere;  // a channel another master serves
  for (const auto& [master, on_master] : channels) {
    if (master != wrong_master.ToString()) {
      elsewhere = on_master[0];
    }
  }

  // Every slot on one master: SSUBSCRIBE there answers MOVED, the map is reloaded and the
  // channel subscribed on its real master.
  int loads = pub_sub->slot_map_loads_for_test();
  pub_sub->SetSlotMapForTest(ClusterSlotMap::SingleNode(wrong_master));
  pub_sub->Subscribe(elsewhere);
  ASSERT_TRUE(pub_sub.Settle());
  EXPECT_GT(pub_sub->slot_map_loads_for_test(), loads);
  EXPECT_EQ(pub_sub->slot_map().masters().size(), 3u);

  // SPUBLISH on the wrong master answers MOVED too: followed once, so the publish succeeds.
  pub_sub->SetSlotMapForTest(ClusterSlotMap::SingleNode(wrong_master));
  EXPECT_TRUE(pub_sub.PublishNow(elsewhere, "redirected").ok());
  ASSERT_TRUE(pub_sub.RunUntilMessages(1));
  EXPECT_EQ(pub_sub.messages, (std::vector<Message>{{elsewhere, "redirected"}}));
}

TEST_F(ShardedPubSubClusterTest, ALostMasterFailsItsChannelsOnlyAndIsResubscribedWhenBack) {
  PubSubRecorder pub_sub(io_context_, ClusterOptions());
  pub_sub->Start();
  ASSERT_TRUE(pub_sub.Settle());
  std::map<std::string, std::vector<std::string>> channels =
      ChannelsPerMaster(pub_sub->slot_map(), 1);
  ASSERT_FALSE(channels.empty());
  for (const auto& [master, on_master] : channels) {
    pub_sub->Subscribe(on_master[0]);
  }
  ASSERT_TRUE(pub_sub.Settle());

  testing::RedisServerProcess& lost = cluster_->node(2);
  std::string lost_channel = channels[lost.address()][0];
  std::string kept_channel = channels[cluster_->node(0).address()][0];
  lost.Stop();
  ASSERT_TRUE(RunUntil(io_context_, [&] { return !pub_sub->connected(); }));
  EXPECT_NE(pub_sub.states.back().second.message().find(lost.address()), std::string::npos)
      << pub_sub.states.back().second;
  absl::Status refused = pub_sub.PublishNow(lost_channel, "lost");
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(refused.message().find(lost.address()), std::string::npos) << refused;
  EXPECT_TRUE(pub_sub.PublishNow(kept_channel, "still flows").ok());
  ASSERT_TRUE(pub_sub.RunUntilMessages(1));

  ASSERT_TRUE(lost.Start());  // same port and cluster config: it takes its slots back
  ASSERT_TRUE(pub_sub.Settle());
  EXPECT_TRUE(pub_sub.PublishNow(lost_channel, "back").ok());
  ASSERT_TRUE(pub_sub.RunUntilMessages(2));
  EXPECT_EQ(pub_sub.messages,
            (std::vector<Message>{{kept_channel, "still flows"}, {lost_channel, "back"}}));
}

// Gives slot to the node at index on every node (an empty slot needs no key migration).
void MoveSlot(RedisClusterProcesses& cluster, uint16_t slot, size_t index) {
  std::string id = testing::RunCommand("/usr/bin/redis-cli -p " +
                                       std::to_string(cluster.node(index).port()) +
                                       " cluster myid");
  id.erase(id.find_last_not_of("\r\n") + 1);
  for (size_t node = 0; node < 3; ++node) {
    std::string answer = testing::RunCommand(
        "/usr/bin/redis-cli -p " + std::to_string(cluster.node(node).port()) +
        " cluster setslot " + std::to_string(slot) + " node " + id);
    EXPECT_EQ(answer, "OK\n") << "node " << node;
  }
}

TEST_F(ShardedPubSubClusterTest, ASubscriptionFollowsItsSlotToAnotherMaster) {
  PubSubRecorder pub_sub(io_context_, ClusterOptions());
  pub_sub->Start();
  ASSERT_TRUE(pub_sub.Settle());
  const std::string channel = "hub:user:moving";
  uint16_t slot = RedisSlot(channel);
  std::string owner = pub_sub->slot_map().MasterForSlot(slot)->ToString();
  size_t owner_index = 0;
  while (cluster_->node(owner_index).address() != owner) {
    ++owner_index;
  }
  pub_sub->Subscribe(channel);
  ASSERT_TRUE(pub_sub.Settle());
  int loads = pub_sub->slot_map_loads_for_test();

  // The old master drops the subscription by itself (a sunsubscribe push); the client reloads
  // the map and subscribes on the new master.
  size_t new_owner_index = (owner_index + 1) % 3;
  MoveSlot(*cluster_, slot, new_owner_index);
  ASSERT_TRUE(RunUntil(io_context_, [&] {
    const RedisNodeAddress* master = pub_sub->slot_map().MasterForSlot(slot);
    return pub_sub->slot_map_loads_for_test() > loads && master != nullptr &&
           master->ToString() == cluster_->node(new_owner_index).address();
  }));
  ASSERT_TRUE(pub_sub.Settle());
  EXPECT_TRUE(pub_sub.PublishNow(channel, "moved").ok());
  ASSERT_TRUE(pub_sub.RunUntilMessages(1));
  EXPECT_EQ(pub_sub.messages, (std::vector<Message>{{channel, "moved"}}));

  MoveSlot(*cluster_, slot, owner_index);  // the suite's cluster as it was
}

}  // namespace
}  // namespace hubgate::gateway
