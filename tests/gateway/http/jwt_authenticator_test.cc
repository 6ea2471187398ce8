#include "gateway/http/jwt_authenticator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace hubgate::gateway {
namespace {

using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr char kSecret[] = "a-test-secret-that-is-long-enough-for-hs256";
constexpr char kNameIdentifier[] =
    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier";
const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

// Encodes a token with libjwt itself; `grants_json` is the payload.
std::string MakeToken(jwt_alg_t alg, const std::string& key, const std::string& grants_json) {
  jwt_t* jwt = nullptr;
  EXPECT_EQ(jwt_new(&jwt), 0);
  EXPECT_EQ(jwt_add_grants_json(jwt, grants_json.c_str()), 0);
  EXPECT_EQ(jwt_set_alg(jwt, alg,
                        key.empty() ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
                        static_cast<int>(key.size())),
            0);
  char* encoded = jwt_encode_str(jwt);
  std::string token = encoded != nullptr ? encoded : "";
  std::free(encoded);
  jwt_free(jwt);
  return token;
}

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

class JwtAuthenticatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    ASSERT_NE(key, nullptr);
    BIO* priv = BIO_new(BIO_s_mem());
    BIO* pub = BIO_new(BIO_s_mem());
    ASSERT_EQ(PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
    ASSERT_EQ(PEM_write_bio_PUBKEY(pub, key), 1);
    private_pem_ = new std::string(BioText(priv));
    public_pem_ = new std::string(BioText(pub));
    BIO_free(priv);
    BIO_free(pub);
    EVP_PKEY_free(key);
  }
  static void TearDownTestSuite() {
    delete private_pem_;
    delete public_pem_;
  }

  static std::unique_ptr<JwtAuthenticator> Make(AuthConfig config) {
    absl::StatusOr<std::unique_ptr<JwtAuthenticator>> auth = JwtAuthenticator::Create(config);
    EXPECT_TRUE(auth.ok()) << auth.status();
    return auth.ok() ? *std::move(auth) : nullptr;
  }
  static AuthConfig WithoutClockSkew() {
    AuthConfig config;
    config.clock_skew = std::chrono::seconds(0);
    return config;
  }
  static std::unique_ptr<JwtAuthenticator> Hs256(AuthConfig config = {}) {
    config.hs256_secret = kSecret;
    return Make(std::move(config));
  }
  static std::unique_ptr<JwtAuthenticator> Rs256(AuthConfig config = {}) {
    config.rs256_public_key_pem = *public_pem_;
    return Make(std::move(config));
  }
  static void ExpectRejected(const absl::StatusOr<Principal>& result, std::string_view reason,
                             std::string_view token) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated);
    EXPECT_THAT(result.status().message(), HasSubstr(reason));
    if (!token.empty()) {
      EXPECT_THAT(result.status().message(), ::testing::Not(HasSubstr(token)));
    }
  }

  static std::string* private_pem_;
  static std::string* public_pem_;
};

std::string* JwtAuthenticatorTest::private_pem_ = nullptr;
std::string* JwtAuthenticatorTest::public_pem_ = nullptr;

TEST_F(JwtAuthenticatorTest, ValidHs256) {
  const std::string token = MakeToken(
      JWT_ALG_HS256, kSecret, R"({"sub":"alice","exp":1700000600,"roles":["a","b"],"n":7})");
  absl::StatusOr<Principal> principal = Hs256()->Authenticate(token, kNow);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->user_id, "alice");
  EXPECT_THAT(principal->claims,
              UnorderedElementsAre(Pair("sub", "alice"), Pair("exp", "1700000600"),
                                   Pair("roles", R"(["a","b"])"), Pair("n", "7")));
}

TEST_F(JwtAuthenticatorTest, ValidRs256) {
  const std::string token =
      MakeToken(JWT_ALG_RS256, *private_pem_, R"({"sub":"bob","exp":1700000600})");
  absl::StatusOr<Principal> principal = Rs256()->Authenticate(token, kNow);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->user_id, "bob");
}

TEST_F(JwtAuthenticatorTest, BothKeysConfiguredAcceptEither) {
  AuthConfig config;
  config.hs256_secret = kSecret;
  config.rs256_public_key_pem = *public_pem_;
  auto auth = Make(config);
  EXPECT_TRUE(auth->Authenticate(MakeToken(JWT_ALG_HS256, kSecret, R"({"sub":"a"})"), kNow).ok());
  EXPECT_TRUE(
      auth->Authenticate(MakeToken(JWT_ALG_RS256, *private_pem_, R"({"sub":"a"})"), kNow).ok());
}

TEST_F(JwtAuthenticatorTest, WrongSecretRejected) {
  const std::string token = MakeToken(JWT_ALG_HS256, "another-secret", R"({"sub":"alice"})");
  ExpectRejected(Hs256()->Authenticate(token, kNow), "invalid token signature", token);
}

TEST_F(JwtAuthenticatorTest, TamperedPayloadRejected) {
  for (jwt_alg_t alg : {JWT_ALG_HS256, JWT_ALG_RS256}) {
    const bool hs = alg == JWT_ALG_HS256;
    const std::string token = MakeToken(alg, hs ? kSecret : *private_pem_, R"({"sub":"alice"})");
    std::vector<std::string> parts = absl::StrSplit(token, '.');
    ASSERT_EQ(parts.size(), 3u);
    parts[1] = absl::WebSafeBase64Escape(R"({"sub":"admin"})");
    const std::string tampered = absl::StrJoin(parts, ".");
    ExpectRejected((hs ? Hs256() : Rs256())->Authenticate(tampered, kNow),
                   "invalid token signature", tampered);
  }
}

TEST_F(JwtAuthenticatorTest, ExpiredRejected) {
  auto auth = Hs256(WithoutClockSkew());
  const std::string token = MakeToken(JWT_ALG_HS256, kSecret, R"({"sub":"a","exp":1700000000})");
  ExpectRejected(auth->Authenticate(token, kNow), "token expired", token);  // now == exp
  EXPECT_TRUE(auth->Authenticate(token, kNow - absl::Seconds(1)).ok());
}

TEST_F(JwtAuthenticatorTest, ClockSkewWidensExpAndNbf) {
  AuthConfig config;
  config.clock_skew = std::chrono::seconds(300);
  auto auth = Hs256(config);
  const std::string expired = MakeToken(JWT_ALG_HS256, kSecret, R"({"sub":"a","exp":1700000000})");
  EXPECT_TRUE(auth->Authenticate(expired, kNow + absl::Seconds(299)).ok());
  ExpectRejected(auth->Authenticate(expired, kNow + absl::Seconds(300)), "token expired", expired);
  const std::string early = MakeToken(JWT_ALG_HS256, kSecret, R"({"sub":"a","nbf":1700000300})");
  EXPECT_TRUE(auth->Authenticate(early, kNow).ok());
  ExpectRejected(auth->Authenticate(early, kNow - absl::Seconds(1)), "not yet valid", early);
}

TEST_F(JwtAuthenticatorTest, TheDefaultClockSkewIsFiveMinutesAsInAspNetCore) {
  EXPECT_EQ(AuthConfig().clock_skew, std::chrono::seconds(300));
}

TEST_F(JwtAuthenticatorTest, ThePrincipalCarriesTheExpiryPlusTheSkew) {
  AuthConfig config;
  config.clock_skew = std::chrono::seconds(5);
  const std::string token = MakeToken(JWT_ALG_HS256, kSecret, R"({"sub":"a","exp":1700000100})");
  absl::StatusOr<Principal> principal = Hs256(config)->Authenticate(token, kNow);
  ASSERT_TRUE(principal.ok()) << principal.status();
  ASSERT_TRUE(principal->expires_at.has_value());
  EXPECT_EQ(*principal->expires_at, absl::FromUnixSeconds(1700000105));
  const std::string forever = MakeToken(JWT_ALG_HS256, kSecret, R"({"sub":"a"})");
  EXPECT_FALSE(Hs256(config)->Authenticate(forever, kNow)->expires_at.has_value());
}

TEST_F(JwtAuthenticatorTest, NotBeforeInTheFutureRejected) {
  auto auth = Hs256(WithoutClockSkew());
  const std::string token = MakeToken(JWT_ALG_HS256, kSecret, R"({"sub":"a","nbf":1700000001})");
  ExpectRejected(auth->Authenticate(token, kNow), "not yet valid", token);
  EXPECT_TRUE(auth->Authenticate(token, kNow + absl::Seconds(1)).ok());
}

TEST_F(JwtAuthenticatorTest, NonNumericExpRejected) {
  const std::string token = MakeToken(JWT_ALG_HS256, kSecret, R"({"sub":"a","exp":"soon"})");
  ExpectRejected(Hs256()->Authenticate(token, kNow), "invalid exp claim", token);
}

TEST_F(JwtAuthenticatorTest, AlgNoneRejected) {
  const std::string token = MakeToken(JWT_ALG_NONE, "", R"({"sub":"alice"})");
  ASSERT_FALSE(token.empty());
  ExpectRejected(Hs256()->Authenticate(token, kNow), "unsigned token", token);
  ExpectRejected(Rs256()->Authenticate(token, kNow), "unsigned token", token);
}

TEST_F(JwtAuthenticatorTest, Hs256SignedWithRsaPublicKeyRejected) {
  // The classic algorithm-confusion attack: the public key used as an HMAC secret.
  const std::string token = MakeToken(JWT_ALG_HS256, *public_pem_, R"({"sub":"admin"})");
  ExpectRejected(Rs256()->Authenticate(token, kNow), "unsupported token algorithm", token);

  AuthConfig both;
  both.hs256_secret = kSecret;
  both.rs256_public_key_pem = *public_pem_;
  ExpectRejected(Make(both)->Authenticate(token, kNow), "invalid token signature", token);
}

TEST_F(JwtAuthenticatorTest, Rs256TokenRejectedWhenOnlyHs256Configured) {
  const std::string token = MakeToken(JWT_ALG_RS256, *private_pem_, R"({"sub":"a"})");
  ExpectRejected(Hs256()->Authenticate(token, kNow), "unsupported token algorithm", token);
}

TEST_F(JwtAuthenticatorTest, MalformedTokensRejected) {
  auto auth = Hs256();
  for (std::string_view bad : {"", "abc", "a.b", "a.b.c.d", "!!.??.##", "e30.e30.sig"}) {
    EXPECT_EQ(auth->Authenticate(bad, kNow).status().code(), absl::StatusCode::kUnauthenticated)
        << bad;
  }
}

TEST_F(JwtAuthenticatorTest, UserIdFromSub) {
  const std::string token = MakeToken(
      JWT_ALG_HS256, kSecret, absl::StrCat(R"({"sub":"s1",")", kNameIdentifier, R"(":"n1"})"));
  EXPECT_EQ(Hs256()->Authenticate(token, kNow)->user_id, "s1");  // sub comes first
}

TEST_F(JwtAuthenticatorTest, UserIdFromNameIdentifier) {
  const std::string token =
      MakeToken(JWT_ALG_HS256, kSecret, absl::StrCat(R"({")", kNameIdentifier, R"(":"n1"})"));
  EXPECT_EQ(Hs256()->Authenticate(token, kNow)->user_id, "n1");
}

TEST_F(JwtAuthenticatorTest, NumericUserIdSerialized) {
  const std::string token = MakeToken(JWT_ALG_HS256, kSecret, R"({"sub":42})");
  EXPECT_EQ(Hs256()->Authenticate(token, kNow)->user_id, "42");
}

TEST_F(JwtAuthenticatorTest, MissingUserClaimGivesEmptyId) {
  const std::string token = MakeToken(JWT_ALG_HS256, kSecret, R"({"name":"Alice"})");
  absl::StatusOr<Principal> principal = Hs256()->Authenticate(token, kNow);
  ASSERT_TRUE(principal.ok()) << principal.status();
  EXPECT_EQ(principal->user_id, "");
  EXPECT_THAT(principal->claims, UnorderedElementsAre(Pair("name", "Alice")));
}

TEST_F(JwtAuthenticatorTest, IssuerChecked) {
  AuthConfig config;
  config.issuer = "https://issuer.example";
  auto auth = Hs256(config);
  EXPECT_TRUE(
      auth->Authenticate(MakeToken(JWT_ALG_HS256, kSecret, R"({"iss":"https://issuer.example"})"),
                         kNow)
          .ok());
  const std::string wrong = MakeToken(JWT_ALG_HS256, kSecret, R"({"iss":"https://evil"})");
  ExpectRejected(auth->Authenticate(wrong, kNow), "issuer mismatch", wrong);
  const std::string missing = MakeToken(JWT_ALG_HS256, kSecret, R"({"sub":"a"})");
  ExpectRejected(auth->Authenticate(missing, kNow), "issuer mismatch", missing);
}

TEST_F(JwtAuthenticatorTest, AudienceStringOrArray) {
  AuthConfig config;
  config.audience = "hubgate";
  auto auth = Hs256(config);
  EXPECT_TRUE(
      auth->Authenticate(MakeToken(JWT_ALG_HS256, kSecret, R"({"aud":"hubgate"})"), kNow).ok());
  EXPECT_TRUE(
      auth->Authenticate(MakeToken(JWT_ALG_HS256, kSecret, R"({"aud":["x","hubgate"]})"), kNow)
          .ok());
  const std::string wrong = MakeToken(JWT_ALG_HS256, kSecret, R"({"aud":["x","y"]})");
  ExpectRejected(auth->Authenticate(wrong, kNow), "audience mismatch", wrong);
  const std::string other = MakeToken(JWT_ALG_HS256, kSecret, R"({"aud":"other"})");
  ExpectRejected(auth->Authenticate(other, kNow), "audience mismatch", other);
}

TEST_F(JwtAuthenticatorTest, CreateRejectsMissingOrBadKeys) {
  EXPECT_FALSE(JwtAuthenticator::Create(AuthConfig{}).ok());
  AuthConfig bad;
  bad.rs256_public_key_pem = "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n";
  EXPECT_EQ(JwtAuthenticator::Create(bad).status().code(), absl::StatusCode::kInvalidArgument);
  AuthConfig private_key;
  private_key.rs256_public_key_pem = *private_pem_;
  EXPECT_FALSE(JwtAuthenticator::Create(private_key).ok());
}

TEST(ExtractBearerTokenTest, HeaderWinsOverQuery) {
  EXPECT_EQ(ExtractBearerToken("Bearer abc.def.ghi", "query.tok.en"), "abc.def.ghi");
  EXPECT_EQ(ExtractBearerToken("bearer   abc", ""), "abc");
  EXPECT_EQ(ExtractBearerToken("BEARER abc ", ""), "abc");
}

TEST(ExtractBearerTokenTest, FallsBackToQuery) {
  EXPECT_EQ(ExtractBearerToken("", "query.tok.en"), "query.tok.en");
  EXPECT_EQ(ExtractBearerToken("Basic dXNlcjpwdw==", "q"), "q");
  EXPECT_EQ(ExtractBearerToken("Bearer ", "q"), "q");
  EXPECT_EQ(ExtractBearerToken("Bearerabc", "q"), "q");
}

TEST(ExtractBearerTokenTest, NothingGivesNullopt) {
  EXPECT_EQ(ExtractBearerToken("", ""), std::nullopt);
  EXPECT_EQ(ExtractBearerToken("Bearer", ""), std::nullopt);
  EXPECT_EQ(ExtractBearerToken("Basic xyz", ""), std::nullopt);
}

}  // namespace
}  // namespace hubgate::gateway
