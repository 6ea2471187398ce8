#include "gateway/http/jwt_authenticator.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cstdlib>
#include <exception>
#include <limits>

#include "absl/algorithm/container.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace hubgate::gateway {
namespace {

namespace json = boost::json;

constexpr size_t kMaxTokenSize = 16 * 1024;

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};
using CStringPtr = std::unique_ptr<char, FreeDeleter>;

absl::Status Reject(absl::string_view reason) { return absl::UnauthenticatedError(reason); }

bool IsTokenChar(char c) { return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.'; }

// Debian's abseil keeps its own string_view type (ABSL_OPTION_USE_STD_STRING_VIEW 0).
absl::string_view AbslView(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// The "alg" of the token's header, read without trusting anything else in the token. It only
// picks which configured key to verify with; libjwt then verifies against that key.
absl::StatusOr<std::string> HeaderAlg(std::string_view token) {
  if (absl::c_count(token, '.') != 2 || !absl::c_all_of(token, IsTokenChar)) {
    return Reject("malformed token");
  }
  std::string header_text;
  if (!absl::WebSafeBase64Unescape(AbslView(token.substr(0, token.find('.'))), &header_text)) {
    return Reject("malformed token");
  }
  boost::system::error_code ec;
  json::value header = json::parse(header_text, ec);
  if (ec || !header.is_object()) return Reject("malformed token");
  const json::value* alg = header.as_object().if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return Reject("malformed token");
  return std::string(alg->as_string());
}

// A NumericDate claim ("exp", "nbf") as a time; false when it is not a number.
bool ToTime(const json::value& v, absl::Time& out) {
  if (v.is_int64()) {
    out = absl::FromUnixSeconds(v.as_int64());
  } else if (v.is_uint64()) {
    out = absl::UnixEpoch() + absl::Seconds(static_cast<double>(v.as_uint64()));
  } else if (v.is_double()) {
    out = absl::UnixEpoch() + absl::Seconds(v.as_double());
  } else {
    return false;
  }
  return true;
}

// Checks the claims; `expires_at` receives exp + skew when the token has an exp.
absl::Status CheckClaims(const json::object& claims, const AuthConfig& config, absl::Time now,
                         std::optional<absl::Time>& expires_at) {
  const absl::Duration skew = absl::FromChrono(config.clock_skew);
  absl::Time at;
  if (const json::value* exp = claims.if_contains("exp")) {
    if (!ToTime(*exp, at)) return Reject("invalid exp claim");
    if (now >= at + skew) return Reject("token expired");
    expires_at = at + skew;
  }
  if (const json::value* nbf = claims.if_contains("nbf")) {
    if (!ToTime(*nbf, at)) return Reject("invalid nbf claim");
    if (now < at - skew) return Reject("token not yet valid");
  }
  if (!config.issuer.empty()) {
    const json::value* iss = claims.if_contains("iss");
    if (iss == nullptr || !iss->is_string() || iss->as_string() != config.issuer) {
      return Reject("token issuer mismatch");
    }
  }
  if (!config.audience.empty()) {
    const json::value* aud = claims.if_contains("aud");
    bool match = false;
    if (aud != nullptr && aud->is_string()) {
      match = aud->as_string() == config.audience;
    } else if (aud != nullptr && aud->is_array()) {
      match = absl::c_any_of(aud->as_array(), [&](const json::value& v) {
        return v.is_string() && v.as_string() == config.audience;
      });
    }
    if (!match) return Reject("token audience mismatch");
  }
  return absl::OkStatus();
}

std::string ClaimText(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

std::string UserId(const json::object& claims, const AuthConfig& config) {
  for (const std::string& name : config.user_id_claims) {
    const json::value* v = claims.if_contains(name);
    if (v == nullptr) continue;
    if (v->is_string() && !v->as_string().empty()) return std::string(v->as_string());
    if (v->is_number()) return json::serialize(*v);
  }
  return "";
}

// Empty when `pem` holds an RSA public key ("BEGIN PUBLIC KEY"), which is what libjwt reads.
std::string RsaKeyProblem(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr) return "out of memory";
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return "not a PEM public key (expected -----BEGIN PUBLIC KEY-----)";
  const bool rsa = EVP_PKEY_base_id(key) == EVP_PKEY_RSA;
  EVP_PKEY_free(key);
  return rsa ? "" : "not an RSA public key";
}

}  // namespace

JwtAuthenticator::JwtAuthenticator(AuthConfig config) : config_(std::move(config)) {}
JwtAuthenticator::~JwtAuthenticator() = default;

absl::StatusOr<std::unique_ptr<JwtAuthenticator>> JwtAuthenticator::Create(
    const AuthConfig& config) {
  if (!config.enabled()) {
    return absl::InvalidArgumentError("auth: neither hs256_secret nor an RS256 public key is set");
  }
  if (config.hs256_secret.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return absl::InvalidArgumentError("auth.hs256_secret: too long");
  }
  if (!config.rs256_public_key_pem.empty()) {
    if (std::string problem = RsaKeyProblem(config.rs256_public_key_pem); !problem.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("auth.rs256_public_key_pem: ", problem));
    }
  }
  return std::unique_ptr<JwtAuthenticator>(new JwtAuthenticator(config));
}

absl::StatusOr<Principal> JwtAuthenticator::Authenticate(std::string_view token,
                                                         absl::Time now) const {
  if (token.empty()) return Reject("missing token");
  if (token.size() > kMaxTokenSize) return Reject("token too large");
  try {
    absl::StatusOr<std::string> alg = HeaderAlg(token);
    if (!alg.ok()) return alg.status();

    // Only the algorithm that belongs to a configured key is accepted, so an RS256 public key is
    // never used as an HMAC secret (algorithm confusion) and "none" never passes.
    jwt_alg_t expected = JWT_ALG_NONE;
    const std::string* key = nullptr;
    if (*alg == "HS256" && !config_.hs256_secret.empty()) {
      expected = JWT_ALG_HS256;
      key = &config_.hs256_secret;
    } else if (*alg == "RS256" && !config_.rs256_public_key_pem.empty()) {
      expected = JWT_ALG_RS256;
      key = &config_.rs256_public_key_pem;
    } else if (absl::EqualsIgnoreCase(*alg, "none")) {
      return Reject("unsigned token");
    } else {
      return Reject("unsupported token algorithm");
    }

    const std::string token_text(token);
    jwt_t* raw = nullptr;
    const int rc =
        jwt_decode(&raw, token_text.c_str(), reinterpret_cast<const unsigned char*>(key->data()),
                   static_cast<int>(key->size()));
    JwtPtr jwt(raw);
    if (rc != 0 || jwt == nullptr) return Reject("invalid token signature");
    if (jwt_get_alg(jwt.get()) != expected) return Reject("unexpected token algorithm");

    CStringPtr grants(jwt_get_grants_json(jwt.get(), nullptr));
    if (grants == nullptr) return Reject("malformed token");
    boost::system::error_code ec;
    json::value payload = json::parse(grants.get(), ec);
    if (ec || !payload.is_object()) return Reject("malformed token");
    const json::object& claims = payload.as_object();

    Principal principal;
    if (absl::Status s = CheckClaims(claims, config_, now, principal.expires_at); !s.ok()) {
      return s;
    }
    principal.user_id = UserId(claims, config_);
    principal.claims.reserve(claims.size());
    for (const auto& claim : claims) {
      principal.claims.emplace_back(std::string(claim.key()), ClaimText(claim.value()));
    }
    return principal;
  } catch (const std::exception&) {
    return Reject("malformed token");
  }
}

std::optional<std::string> ExtractBearerToken(std::string_view authorization_header,
                                              std::string_view access_token_query) {
  absl::string_view header = absl::StripAsciiWhitespace(AbslView(authorization_header));
  constexpr absl::string_view kScheme = "bearer";
  if (header.size() > kScheme.size() && absl::StartsWithIgnoreCase(header, kScheme) &&
      absl::ascii_isspace(header[kScheme.size()])) {
    absl::string_view token = absl::StripLeadingAsciiWhitespace(header.substr(kScheme.size()));
    if (!token.empty()) return std::string(token);
  }
  if (!access_token_query.empty()) return std::string(access_token_query);
  return std::nullopt;
}

}  // namespace hubgate::gateway
