#include "gateway/runtime/connection_registry.h"

#include "absl/container/flat_hash_set.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

using std::chrono::seconds;
using Entry = ConnectionRegistry::Entry;

TEST(ConnectionRegistryTest, ClaimOnceThenConflict) {
  ConnectionRegistry registry;
  const auto now = std::chrono::steady_clock::now();
  ASSERT_TRUE(registry.Admit("tok", Entry{"conn", "posts", 1, now + seconds(15), false}).ok());
  auto first = registry.Claim("tok", "posts");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->connection_id, "conn");
  EXPECT_EQ(first->worker, 1u);
  EXPECT_TRUE(absl::IsAlreadyExists(registry.Claim("tok", "posts").status()));
}

TEST(ConnectionRegistryTest, UnknownTokenOrOtherHubIsNotFound) {
  ConnectionRegistry registry;
  const Entry entry{"conn", "posts", 0, std::chrono::steady_clock::now(), false};
  ASSERT_TRUE(registry.Admit("tok", entry).ok());
  EXPECT_TRUE(absl::IsNotFound(registry.Claim("other", "posts").status()));
  EXPECT_TRUE(absl::IsNotFound(registry.Claim("tok", "chat").status()));
  EXPECT_TRUE(registry.Claim("tok", "posts").ok()) << "a wrong-hub attempt does not claim";
}

TEST(ConnectionRegistryTest, UnclaimedEntriesExpireAtTheirDeadline) {
  ConnectionRegistry registry;
  const auto now = std::chrono::steady_clock::now();
  ASSERT_TRUE(registry.Admit("a", Entry{"c1", "posts", 0, now + seconds(15), false}).ok());
  ASSERT_TRUE(registry.Admit("b", Entry{"c2", "posts", 0, now + seconds(15), false}).ok());
  ASSERT_TRUE(registry.Claim("b", "posts").ok());
  EXPECT_EQ(registry.ExpireUnclaimed(now + seconds(14)), 0u);
  EXPECT_EQ(registry.ExpireUnclaimed(now + seconds(15)), 1u);
  EXPECT_TRUE(absl::IsNotFound(registry.Claim("a", "posts").status()));
  EXPECT_EQ(registry.size(), 1u) << "claimed connections never expire";
  registry.Remove("b");
  EXPECT_EQ(registry.size(), 0u);
}

TEST(ConnectionRegistryTest, TokensAreRandomAndUrlSafe) {
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string token = NewRandomToken();
    EXPECT_EQ(token.size(), 22u);
    EXPECT_EQ(token.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos);
    EXPECT_TRUE(seen.insert(token).second);
  }
}

}  // namespace
}  // namespace hubgate::gateway

namespace hubgate::gateway {
namespace {

TEST(ConnectionRegistryStatefulTest, AStatefulWebSocketConnectionMayBeClaimedAgain) {
  ConnectionRegistry registry;
  Entry entry{"conn", "posts", 0, std::chrono::steady_clock::now() + std::chrono::seconds(15),
              false};
  entry.stateful = true;
  ASSERT_TRUE(registry.Admit("tok", entry).ok());
  auto first = registry.Claim("tok", "posts", TransportKind::kWebSockets);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->claimed);
  auto again = registry.Claim("tok", "posts", TransportKind::kWebSockets);
  ASSERT_TRUE(again.ok()) << "the client resumes its connection";
  EXPECT_TRUE(again->claimed);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      registry.Claim("tok", "posts", TransportKind::kServerSentEvents).status()));
}

}  // namespace
}  // namespace hubgate::gateway
