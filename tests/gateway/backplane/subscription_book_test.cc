#include "gateway/backplane/subscription_book.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>


namespace hubgate::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

ChannelLayout Layout() { return *ChannelLayout::Create("hg"); }

// Records the changes the book reports, in order.
class ChangeLog {
 public:
  SubscriptionBook::ChangeCallback Callback() {
    return [this](const SubscriptionChange& change) {
      std::lock_guard lock(mutex_);
      changes_.push_back(
          (change.action == SubscriptionChange::Action::kSubscribe ? "+" : "-") + change.channel);
    };
  }
  std::vector<std::string> Take() {
    std::lock_guard lock(mutex_);
    return std::exchange(changes_, {});
  }

 private:
  std::mutex mutex_;  // std::mutex: ThreadSanitizer sees it (Debian's abseil is uninstrumented)
  std::vector<std::string> changes_;
};

TEST(SubscriptionBookTest, SubscribesOnTheFirstNeedAndUnsubscribesAfterTheLast) {
  ChangeLog log;
  SubscriptionBook book(Layout(), log.Callback());
  book.JoinedGroup("chat", "room");
  EXPECT_THAT(log.Take(), ElementsAre("+hg:g:chat:room"));
  book.JoinedGroup("chat", "room");
  EXPECT_THAT(log.Take(), IsEmpty());
  EXPECT_EQ(book.CountOf("hg:g:chat:room"), 2u);
  book.LeftGroup("chat", "room");
  EXPECT_THAT(log.Take(), IsEmpty());
  book.LeftGroup("chat", "room");
  EXPECT_THAT(log.Take(), ElementsAre("-hg:g:chat:room"));
  EXPECT_EQ(book.CountOf("hg:g:chat:room"), 0u);
  EXPECT_EQ(book.channel_count(), 0u);
}

TEST(SubscriptionBookTest, AConnectionNeedsItsOwnChannelAndItsUsers) {
  ChangeLog log;
  SubscriptionBook book(Layout(), log.Callback());
  book.ConnectionOpened("chat", "c1", "alice");
  EXPECT_THAT(log.Take(), ElementsAre("+hg:c:c1", "+hg:u:chat:alice"));
  book.ConnectionOpened("chat", "c2", "alice");
  EXPECT_THAT(log.Take(), ElementsAre("+hg:c:c2"));
  book.ConnectionOpened("chat", "c3", "");  // anonymous: no user channel
  EXPECT_THAT(log.Take(), ElementsAre("+hg:c:c3"));
  book.ConnectionClosed("chat", "c1", "alice");
  EXPECT_THAT(log.Take(), ElementsAre("-hg:c:c1"));
  book.ConnectionClosed("chat", "c2", "alice");
  EXPECT_THAT(log.Take(), ElementsAre("-hg:c:c2", "-hg:u:chat:alice"));
  EXPECT_THAT(book.Channels(), ElementsAre("hg:c:c3"));
}

TEST(SubscriptionBookTest, AHeldConnectionKeepsItsChannelFromAdmissionToRelease) {
  ChangeLog log;
  SubscriptionBook book(Layout(), log.Callback());
  book.ConnectionHeld("c1");  // the registry took it in: findable before its handshake
  EXPECT_THAT(log.Take(), ElementsAre("+hg:c:c1"));
  book.ConnectionOpened("chat", "c1", "");
  book.ConnectionClosed("chat", "c1", "");
  EXPECT_THAT(log.Take(), IsEmpty()) << "still held by the registry";
  book.ConnectionReleased("c1");
  EXPECT_THAT(log.Take(), ElementsAre("-hg:c:c1"));
}

TEST(SubscriptionBookTest, UsersAndGroupsAreCountedPerHub) {
  ChangeLog log;
  SubscriptionBook book(Layout(), log.Callback());
  book.ConnectionOpened("chat", "c1", "alice");
  book.ConnectionOpened("news", "c2", "alice");
  book.JoinedGroup("chat", "g");
  book.JoinedGroup("news", "g");
  EXPECT_THAT(book.Channels(), ElementsAre("hg:c:c1", "hg:c:c2", "hg:g:chat:g", "hg:g:news:g",
                                           "hg:u:chat:alice", "hg:u:news:alice"));
}

TEST(SubscriptionBookTest, ConfiguredHubsHoldTheirHubChannel) {
  ChangeLog log;
  SubscriptionBook book(Layout(), log.Callback());
  book.HubConfigured("chat");
  book.HubConfigured("a:b");
  EXPECT_THAT(log.Take(), ElementsAre("+hg:h:chat", "+hg:h:a%3Ab"));
  book.HubRemoved("chat");
  EXPECT_THAT(log.Take(), ElementsAre("-hg:h:chat"));
}

TEST(SubscriptionBookDeathTest, ReleasingWhatWasNeverHeldIsABug) {
  SubscriptionBook book(Layout(), [](const SubscriptionChange&) {});
  EXPECT_DEATH(book.LeftGroup("chat", "room"), "invariant broken");
}

// Workers on several threads feed one book. Every channel's changes must alternate (never two
// subscribes in a row) and the counts must be exact once the threads are done.
TEST(SubscriptionBookTest, CountsStayExactUnderConcurrentUpdates) {
  constexpr int kThreads = 4;
  constexpr int kRounds = 2000;
  constexpr int kGroups = 5;
  std::mutex mutex;
  std::map<std::string, int> subscribed;  // per channel: 1 while subscribed
  std::atomic<bool> alternation_broken{false};
  SubscriptionBook book(Layout(), [&](const SubscriptionChange& change) {
    std::lock_guard lock(mutex);
    int& state = subscribed[change.channel];
    state += change.action == SubscriptionChange::Action::kSubscribe ? 1 : -1;
    if (state != 0 && state != 1) {
      alternation_broken = true;
    }
  });
  std::barrier all_joined(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&book, &all_joined, t] {
      const std::string connection = "c" + std::to_string(t);
      for (int round = 0; round < kRounds; ++round) {
        const std::string group = "g" + std::to_string(round % kGroups);
        book.ConnectionOpened("chat", connection, "shared-user");
        book.JoinedGroup("chat", group);
        book.LeftGroup("chat", group);
        book.ConnectionClosed("chat", connection, "shared-user");
      }
      // Then every thread holds one member of the first group until all have joined.
      book.JoinedGroup("chat", "g0");
      all_joined.arrive_and_wait();
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_FALSE(alternation_broken);
  EXPECT_EQ(book.CountOf("hg:g:chat:g0"), static_cast<size_t>(kThreads));
  EXPECT_THAT(book.Channels(), ElementsAre("hg:g:chat:g0"));
  std::lock_guard lock(mutex);
  for (const auto& [channel, state] : subscribed) {
    EXPECT_EQ(state, channel == "hg:g:chat:g0" ? 1 : 0) << channel;
  }
  EXPECT_EQ(subscribed.count("hg:u:chat:shared-user"), 1u);
}

}  // namespace
}  // namespace hubgate::gateway
