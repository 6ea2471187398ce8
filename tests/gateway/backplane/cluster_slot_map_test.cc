#include "gateway/backplane/cluster_slot_map.h"

#include <gtest/gtest.h>

namespace hubgate::gateway {
namespace {

using R = RedisReply;

R Node(std::string ip, int64_t port, std::string role, std::string health) {
  return R::Array({R::String("id"), R::String("e0c1..."), R::String("port"), R::Integer(port),
                   R::String("ip"), R::String(ip), R::String("endpoint"), R::String(ip),
                   R::String("role"), R::String(role), R::String("replication-offset"),
                   R::Integer(72156), R::String("health"), R::String(health)});
}

R Shard(std::vector<R> slots, std::vector<R> nodes) {
  return R::Array({R::String("slots"), R::Array(std::move(slots)), R::String("nodes"),
                   R::Array(std::move(nodes))});
}

TEST(ClusterSlotMapTest, ReadsEachShardsRangesAndMaster) {
  R reply = R::Array({
      Shard({R::Integer(0), R::Integer(5460)},
            {Node("10.0.0.2", 30004, "replica", "online"),
             Node("10.0.0.1", 30001, "master", "online")}),
      Shard({R::Integer(5461), R::Integer(10922)}, {Node("10.0.0.2", 30002, "master", "online")}),
      Shard({R::Integer(10923), R::Integer(11000), R::Integer(11001), R::Integer(16383)},
            {Node("10.0.0.3", 30003, "master", "online")}),
  });
  absl::StatusOr<ClusterSlotMap> map = ClusterSlotMap::FromClusterShards(reply);
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(map->masters().size(), 3u);
  EXPECT_EQ(map->MasterForSlot(0)->ToString(), "10.0.0.1:30001");
  EXPECT_EQ(map->MasterForSlot(5460)->ToString(), "10.0.0.1:30001");
  EXPECT_EQ(map->MasterForSlot(5461)->ToString(), "10.0.0.2:30002");
  EXPECT_EQ(map->MasterForSlot(11000)->ToString(), "10.0.0.3:30003");
  EXPECT_EQ(map->MasterForSlot(16383)->ToString(), "10.0.0.3:30003");
}

TEST(ClusterSlotMapTest, AShardWhoseMasterFailedServesNothing) {
  R reply = R::Array({
      Shard({R::Integer(0), R::Integer(8191)}, {Node("10.0.0.1", 30001, "master", "failed")}),
      Shard({R::Integer(8192), R::Integer(16383)}, {Node("10.0.0.2", 30002, "master", "online")}),
  });
  absl::StatusOr<ClusterSlotMap> map = ClusterSlotMap::FromClusterShards(reply);
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(map->MasterForSlot(100), nullptr);
  EXPECT_EQ(map->MasterForSlot(9000)->ToString(), "10.0.0.2:30002");
  EXPECT_EQ(map->masters().size(), 1u);
}

TEST(ClusterSlotMapTest, RefusesRepliesWithoutTheShapeOfClusterShards) {
  for (const R& reply :
       {R::Error("ERR unknown command"), R::Array({R::String("slots")}),
        R::Array({Shard({R::Integer(0)}, {Node("10.0.0.1", 1, "master", "online")})}),
        R::Array({Shard({R::Integer(0), R::Integer(16384)},
                        {Node("10.0.0.1", 1, "master", "online")})}),
        R::Array({Shard({R::Integer(0), R::Integer(1)}, {Node("", 1, "master", "online")})}),
        R::Array({Shard({R::Integer(0), R::Integer(1)},
                        {Node("10.0.0.1", 70000, "master", "online")})})}) {
    absl::StatusOr<ClusterSlotMap> map = ClusterSlotMap::FromClusterShards(reply);
    EXPECT_EQ(map.status().code(), absl::StatusCode::kDataLoss) << reply;
  }
}

TEST(ClusterSlotMapTest, ASingleNodeServesEverySlot) {
  ClusterSlotMap map = ClusterSlotMap::SingleNode({"127.0.0.1", 6379});
  EXPECT_EQ(map.MasterForSlot(0)->ToString(), "127.0.0.1:6379");
  EXPECT_EQ(map.MasterForSlot(16383)->ToString(), "127.0.0.1:6379");
  EXPECT_EQ(ClusterSlotMap().MasterForSlot(0), nullptr);
}

TEST(RedisNodeAddressTest, ParsesHostAndPort) {
  absl::StatusOr<RedisNodeAddress> v4 = ParseRedisNodeAddress("127.0.0.1:6379");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(*v4, (RedisNodeAddress{"127.0.0.1", 6379}));
  absl::StatusOr<RedisNodeAddress> v6 = ParseRedisNodeAddress("[::1]:7000");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->ToString(), "[::1]:7000");
  EXPECT_FALSE(ParseRedisNodeAddress(":6379").ok());
  EXPECT_FALSE(ParseRedisNodeAddress("redis:0").ok());
  EXPECT_FALSE(ParseRedisNodeAddress("redis").ok());
}

}  // namespace
}  // namespace hubgate::gateway
