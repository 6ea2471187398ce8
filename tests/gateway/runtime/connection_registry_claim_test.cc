// Claims of the Server-Sent Events and Long Polling transports.
#include <cstdlib>
#include <string>

#include "gateway/runtime/connection_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {


TEST(TransportClaimTest, LongPollingPollsClaimAgainOthersConflict) {
  ConnectionRegistry registry;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  ASSERT_TRUE(registry.Admit("lp", ConnectionRegistry::Entry{"c1", "posts", 0, deadline, false})
                  .ok());
  auto first = registry.Claim("lp", "posts", TransportKind::kLongPolling);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->claimed);
  auto again = registry.Claim("lp", "posts", TransportKind::kLongPolling);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->claimed);
  EXPECT_TRUE(absl::IsFailedPrecondition(
      registry.Claim("lp", "posts", TransportKind::kServerSentEvents).status()));

  ASSERT_TRUE(registry.Admit("sse", ConnectionRegistry::Entry{"c2", "posts", 0, deadline, false})
                  .ok());
  ASSERT_TRUE(registry.Claim("sse", "posts", TransportKind::kServerSentEvents).ok());
  EXPECT_TRUE(absl::IsAlreadyExists(
      registry.Claim("sse", "posts", TransportKind::kServerSentEvents).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(registry.Claim("sse", "posts").status()));
  auto found = registry.Find("sse", "posts");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->transport, TransportKind::kServerSentEvents);
  EXPECT_TRUE(absl::IsNotFound(registry.Find("sse", "chat").status()));
}

}  // namespace
}  // namespace hubgate::gateway
