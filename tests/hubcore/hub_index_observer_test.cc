// HubIndex tells its RoutingObserver of real changes only, named with its hub.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "hubcore/hub_index.h"

namespace hubgate::hubcore {
namespace {

using ::testing::ElementsAre;

class RecordingObserver : public RoutingObserver {
 public:
  void ConnectionOpened(std::string_view hub, std::string_view id,
                        std::string_view user) override {
    events.push_back("open " + std::string(hub) + " " + std::string(id) + " " + std::string(user));
  }
  void ConnectionClosed(std::string_view hub, std::string_view id,
                        std::string_view user) override {
    events.push_back("close " + std::string(hub) + " " + std::string(id) + " " +
                     std::string(user));
  }
  void JoinedGroup(std::string_view hub, std::string_view group) override {
    events.push_back("join " + std::string(hub) + " " + std::string(group));
  }
  void LeftGroup(std::string_view hub, std::string_view group) override {
    events.push_back("leave " + std::string(hub) + " " + std::string(group));
  }
  std::vector<std::string> events;
};

class NullSink : public ConnectionSink {
 public:
  void Deliver(const SerializedMessage&) override {}
  void InvokeClient(std::string, std::vector<Value>, std::chrono::steady_clock::time_point,
                    ClientResultCallback) override {}
};

TEST(HubIndexObserverTest, ReportsRealChangesOnly) {
  RecordingObserver observer;
  NullSink sink;
  HubIndex index("chat", &observer);
  index.AddConnection("c1", "alice", &sink);
  index.AddConnection("c1", "alice", &sink);  // already routed: no change
  index.AddConnection("c2", "", &sink);
  EXPECT_TRUE(index.AddToGroup("c1", "g"));
  EXPECT_TRUE(index.AddToGroup("c1", "g"));  // already a member
  EXPECT_TRUE(index.AddToGroup("c1", "h"));
  EXPECT_TRUE(index.RemoveFromGroup("c1", "h"));
  EXPECT_TRUE(index.RemoveFromGroup("c1", "h"));  // not a member any more
  EXPECT_FALSE(index.AddToGroup("nobody", "g"));
  EXPECT_TRUE(index.AddToGroup("c2", "g"));
  index.RemoveConnection("c1");
  index.RemoveConnection("c1");
  EXPECT_THAT(observer.events,
              ElementsAre("open chat c1 alice", "open chat c2 ", "join chat g", "join chat h",
                          "leave chat h", "join chat g", "leave chat g", "close chat c1 alice"));
}

}  // namespace
}  // namespace hubgate::hubcore
