// ConnectionTokenSigner: tokens any replica of the cluster can verify without a lookup, bound
// to the connection, the hub and the user.
#include "gateway/http/connection_token.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"

namespace hubgate::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using std::chrono::system_clock;

const std::string kSecret(32, 's');
const system_clock::time_point kDeadline =
    system_clock::time_point(std::chrono::milliseconds(1'800'000'000'123));

TEST(ConnectionTokenTest, AnotherReplicaWithTheSecretVerifiesWhatOneIssued) {
  ConnectionTokenSigner issuer(kSecret);
  ConnectionTokenSigner other_replica(kSecret);
  const std::string token = issuer.Issue("AbC-123_id", "posts", "alice", kDeadline);
  auto claims = other_replica.Verify(token, "posts", "alice");
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->connection_id, "AbC-123_id");
  EXPECT_EQ(claims->claim_deadline, kDeadline);
  // URL-safe (it travels in ?id=) and hides the hub and the user.
  EXPECT_EQ(token.find_first_of("+/="), std::string::npos);
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  EXPECT_THAT(raw, Not(HasSubstr("alice")));
  EXPECT_THAT(raw, Not(HasSubstr("posts")));
  // Anonymous connections too.
  EXPECT_TRUE(other_replica.Verify(issuer.Issue("x", "posts", "", kDeadline), "posts", "").ok());
}

TEST(ConnectionTokenTest, BoundToTheHubAndTheUser) {
  ConnectionTokenSigner signer(kSecret);
  const std::string token = signer.Issue("id", "posts", "alice", kDeadline);
  EXPECT_THAT(signer.Verify(token, "chat", "alice").status().message(),
              HasSubstr("another hub or user"));
  EXPECT_THAT(signer.Verify(token, "posts", "mallory").status().message(),
              HasSubstr("another hub or user"));
  EXPECT_THAT(signer.Verify(token, "posts", "").status().message(),
              HasSubstr("another hub or user"));
  // The boundary between hub and user is part of the digest.
  const std::string ab_c = signer.Issue("id", "ab", "c", kDeadline);
  EXPECT_FALSE(signer.Verify(ab_c, "a", "bc").ok());
}

TEST(ConnectionTokenTest, ForgedTamperedAndForeignTokensAreRefused) {
  ConnectionTokenSigner signer(kSecret);
  ConnectionTokenSigner other_cluster(std::string(32, 'o'));
  const std::string token = signer.Issue("id", "posts", "alice", kDeadline);
  EXPECT_THAT(other_cluster.Verify(token, "posts", "alice").status().message(),
              HasSubstr("signature does not verify"));

  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string tampered = raw;
    tampered[i] ^= 0x01;
    EXPECT_FALSE(signer.Verify(absl::WebSafeBase64Escape(tampered), "posts", "alice").ok())
        << "byte " << i;
  }
  for (const std::string bad : {std::string(), std::string("not base64 !"),
                                absl::WebSafeBase64Escape(raw.substr(0, raw.size() - 1)),
                                absl::WebSafeBase64Escape(raw + "x")}) {
    EXPECT_THAT(signer.Verify(bad, "posts", "alice").status().message(),
                HasSubstr("not a connection token of this cluster"));
  }
}

}  // namespace
}  // namespace hubgate::gateway
