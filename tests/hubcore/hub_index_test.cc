#include "hubcore/hub_index.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hubgate::hubcore {
namespace {

using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

class RecordingSink : public ConnectionSink {
 public:
  explicit RecordingSink(std::string id) : id(std::move(id)) {}
  void Deliver(const SerializedMessage&) override { ++deliveries; }
  void InvokeClient(std::string, std::vector<Value>, std::chrono::steady_clock::time_point,
                    ClientResultCallback done) override {
    std::move(done)(ClientResult{false, Value(id), ""});
  }
  std::string id;
  int deliveries = 0;
};

class HubIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // c1,c2: alice; c3: bob; c4: anonymous. Groups: g1 = {c1, c3}, g2 = {c2, c3}.
    for (const auto& [id, user] : std::vector<std::pair<std::string, std::string>>{
             {"c1", "alice"}, {"c2", "alice"}, {"c3", "bob"}, {"c4", ""}}) {
      sinks_[id] = std::make_unique<RecordingSink>(id);
      index_.AddConnection(id, user, sinks_[id].get());
    }
    ASSERT_TRUE(index_.AddToGroup("c1", "g1"));
    ASSERT_TRUE(index_.AddToGroup("c3", "g1"));
    ASSERT_TRUE(index_.AddToGroup("c2", "g2"));
    ASSERT_TRUE(index_.AddToGroup("c3", "g2"));
  }

  std::vector<std::string> Recipients(const Audience& audience, uint64_t* count = nullptr) {
    std::vector<std::string> ids;
    uint64_t visited = index_.ForEachRecipient(audience, [&](ConnectionSink& sink) {
      ids.push_back(static_cast<RecordingSink&>(sink).id);
    });
    EXPECT_EQ(visited, ids.size());
    if (count != nullptr) *count = visited;
    return ids;
  }

  HubIndex index_;
  std::map<std::string, std::unique_ptr<RecordingSink>> sinks_;
};

TEST_F(HubIndexTest, AllAndAllExcept) {
  EXPECT_THAT(Recipients(Audience::All()), UnorderedElementsAre("c1", "c2", "c3", "c4"));
  EXPECT_THAT(Recipients(Audience::All({"c2", "c4", "nope"})), UnorderedElementsAre("c1", "c3"));
}

TEST_F(HubIndexTest, ConnectionsSkipUnknownAndDuplicates) {
  EXPECT_THAT(Recipients(Audience::Connections({"c3"})), UnorderedElementsAre("c3"));
  EXPECT_THAT(Recipients(Audience::Connections({"c1", "missing", "c1", "c4"})),
              UnorderedElementsAre("c1", "c4"));
}

TEST_F(HubIndexTest, GroupsAreUnionedWithoutDuplicates) {
  EXPECT_THAT(Recipients(Audience::Groups({"g1"})), UnorderedElementsAre("c1", "c3"));
  EXPECT_THAT(Recipients(Audience::Groups({"g1", "g2"})),
              UnorderedElementsAre("c1", "c2", "c3"));
  EXPECT_THAT(Recipients(Audience::Groups({"g1"}, {"c3"})), UnorderedElementsAre("c1"));
  EXPECT_THAT(Recipients(Audience::Groups({"unknown"})), ::testing::IsEmpty());
  EXPECT_THAT(Recipients(Audience::Groups({"G1"})), ::testing::IsEmpty()) << "names are ordinal";
}

TEST_F(HubIndexTest, UsersReachEveryConnectionOfTheUserOnce) {
  EXPECT_THAT(Recipients(Audience::Users({"alice"})), UnorderedElementsAre("c1", "c2"));
  EXPECT_THAT(Recipients(Audience::Users({"alice", "bob", "alice"})),
              UnorderedElementsAre("c1", "c2", "c3"));
  EXPECT_THAT(Recipients(Audience::Users({""})), ::testing::IsEmpty())
      << "anonymous connections are not a user";
}

TEST_F(HubIndexTest, RemoveFromGroupAndEmptyGroupsDisappear) {
  EXPECT_TRUE(index_.RemoveFromGroup("c1", "g1"));
  EXPECT_TRUE(index_.RemoveFromGroup("c1", "g1")) << "removing twice is harmless";
  EXPECT_THAT(Recipients(Audience::Groups({"g1"})), UnorderedElementsAre("c3"));
  EXPECT_TRUE(index_.RemoveFromGroup("c3", "g1"));
  EXPECT_EQ(index_.group_count(), 1u);
  EXPECT_FALSE(index_.AddToGroup("missing", "g1"));
  EXPECT_FALSE(index_.RemoveFromGroup("missing", "g1"));
}

TEST_F(HubIndexTest, RemovingAConnectionDropsItsMembershipsAndUser) {
  index_.RemoveConnection("c3");
  EXPECT_FALSE(index_.HasConnection("c3"));
  EXPECT_THAT(Recipients(Audience::Groups({"g1", "g2"})), UnorderedElementsAre("c1", "c2"));
  EXPECT_THAT(Recipients(Audience::Users({"bob"})), ::testing::IsEmpty());
  index_.RemoveConnection("c1");
  index_.RemoveConnection("c2");
  EXPECT_EQ(index_.group_count(), 0u);
  EXPECT_EQ(index_.connection_count(), 1u);
  index_.RemoveConnection("c1");  // unknown: no effect
}

TEST_F(HubIndexTest, AddingTwiceKeepsOneMembership) {
  EXPECT_TRUE(index_.AddToGroup("c1", "g1"));
  EXPECT_THAT(Recipients(Audience::Groups({"g1"})), UnorderedElementsAre("c1", "c3"));
  index_.RemoveConnection("c1");
  EXPECT_THAT(Recipients(Audience::Groups({"g1"})), UnorderedElementsAre("c3"));
}

TEST_F(HubIndexTest, ManyConnectionsStayRoutable) {
  HubIndex index;
  std::vector<std::unique_ptr<RecordingSink>> sinks;
  std::vector<std::string> expected;
  for (int i = 0; i < 1000; ++i) {
    sinks.push_back(std::make_unique<RecordingSink>("k" + std::to_string(i)));
    index.AddConnection(sinks.back()->id, "", sinks.back().get());
    if (i % 3 == 0) {
      index.AddToGroup(sinks.back()->id, "thirds");
      expected.push_back(sinks.back()->id);
    }
  }
  std::vector<std::string> got;
  index.ForEachRecipient(Audience::Groups({"thirds"}), [&](ConnectionSink& sink) {
    got.push_back(static_cast<RecordingSink&>(sink).id);
  });
  EXPECT_THAT(got, UnorderedElementsAreArray(expected));
}

}  // namespace
}  // namespace hubgate::hubcore
