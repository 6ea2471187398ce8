// How a refused claim or WebSocket resume is answered.
#include "absl/status/status.h"
#include "gateway/http/refusal.h"
#include "gateway/runtime/connection_registry.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

TEST(RefusalTest, UnknownConnectionIs404WithDotNetsText) {
  Refusal refusal = Refusal::Of(absl::NotFoundError(kNoConnectionWithThatId));
  EXPECT_EQ(refusal.status, http::status::not_found);
  EXPECT_EQ(refusal.body, "No Connection with that ID");
}

TEST(RefusalTest, SameTransportAgainIs409) {
  Refusal refusal =
      Refusal::Of(absl::AlreadyExistsError("Connection ID already has an active transport"));
  EXPECT_EQ(refusal.status, http::status::conflict);
  EXPECT_EQ(refusal.body, "Connection ID already has an active transport");
}

TEST(RefusalTest, AnotherTransportIs400) {
  Refusal refusal =
      Refusal::Of(absl::FailedPreconditionError("Cannot change transports mid-connection"));
  EXPECT_EQ(refusal.status, http::status::bad_request);
  EXPECT_EQ(refusal.body, "Cannot change transports mid-connection");
}

TEST(RefusalTest, AnotherUsersConnectionIs401WithoutAReason) {
  Refusal refusal = Refusal::Of(absl::PermissionDeniedError("belongs to another user"));
  EXPECT_EQ(refusal.status, http::status::unauthorized);
  EXPECT_EQ(refusal.body, "");
}

TEST(RefusalDeathTest, AnyOtherCodeIsABug) {
  EXPECT_DEATH(Refusal::Of(absl::InternalError("x")), "invariant broken");
}

TEST(RefusalTest, RegistryClaimsMapAsDotNet) {
  ConnectionRegistry registry;
  ConnectionRegistry::Entry entry;
  entry.connection_id = "c1";
  entry.hub = "posts";
  ASSERT_TRUE(registry.Admit("token", std::move(entry)).ok());
  EXPECT_EQ(Refusal::Of(registry.Claim("other", "posts").status()).status,
            http::status::not_found);
  ASSERT_TRUE(registry.Claim("token", "posts", TransportKind::kServerSentEvents).ok());
  EXPECT_EQ(Refusal::Of(registry.Claim("token", "posts", TransportKind::kServerSentEvents)
                            .status())
                .status,
            http::status::conflict);
  EXPECT_EQ(Refusal::Of(registry.Claim("token", "posts", TransportKind::kLongPolling).status())
                .status,
            http::status::bad_request);
}

}  // namespace
}  // namespace hubgate::gateway

namespace hubgate::gateway {
namespace {

TEST(RefusalLimitsTest, ALimitsRefusalKeepsItsTextWith429Or503) {
  Refusal per_address = Refusal::Of(absl::ResourceExhaustedError("Too many."));
  EXPECT_EQ(per_address.status, http::status::too_many_requests);
  EXPECT_EQ(per_address.body, "Too many.");
  Refusal full = Refusal::Of(absl::UnavailableError("Full."));
  EXPECT_EQ(full.status, http::status::service_unavailable);
  EXPECT_EQ(full.body, "Full.");
}

}  // namespace
}  // namespace hubgate::gateway
