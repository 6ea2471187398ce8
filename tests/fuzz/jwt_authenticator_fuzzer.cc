// JWT handling. The first byte picks the shape: a raw token as a client would
// send it (header, query or garbage), or a token correctly signed with the
// configured HS256 secret whose claims are the fuzzer's JSON, so that claim
// handling (exp/nbf/iss/aud, user id, claim copying) is reached past the
// signature check.
#include <jwt.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "fuzz_input.h"
#include "gateway/http/jwt_authenticator.h"

namespace {

constexpr char kSecret[] = "fuzzing-secret-of-at-least-32-bytes!!";

const hubgate::gateway::JwtAuthenticator &Authenticator() {
  static const auto *authenticator = [] {
    hubgate::gateway::AuthConfig config;
    config.hs256_secret = kSecret;
    config.issuer = "hubgate-fuzz";
    config.audience = "hubgate";
    auto created = hubgate::gateway::JwtAuthenticator::Create(config);
    HUBGATE_CHECK(created.ok(), "the fuzz configuration is valid");
    return created->release();
  }();
  return *authenticator;
}

// A token signed with kSecret whose claims are `claims_json`; empty when libjwt
// refuses them.
std::string SignedToken(const std::string &claims_json) {
  jwt_t *raw = nullptr;
  if (jwt_new(&raw) != 0) {
    return "";
  }
  std::unique_ptr<jwt_t, decltype(&jwt_free)> jwt(raw, &jwt_free);
  if (jwt_add_grants_json(jwt.get(), claims_json.c_str()) != 0 ||
      jwt_set_alg(jwt.get(), JWT_ALG_HS256,
                  reinterpret_cast<const unsigned char *>(kSecret),
                  sizeof(kSecret) - 1) != 0) {
    return "";
  }
  char *encoded = jwt_encode_str(jwt.get());
  if (encoded == nullptr) {
    return "";
  }
  std::string token(encoded);
  std::free(encoded);
  return token;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string_view rest = hubgate::fuzz::AsText(data + 1, size - 1);
  std::string token;
  switch (data[0] % 3) {
  case 0:
    token = std::string(rest);
    break;
  case 1:
    token = hubgate::gateway::ExtractBearerToken(rest, "").value_or("");
    break;
  default:
    token = SignedToken(std::string(rest));
    break;
  }
  auto principal = Authenticator().Authenticate(token, absl::Now());
  if (!principal.ok()) {
    // Refusals are fixed lower-case texts ("malformed token", "token expired",
    // ...): nothing from the token is echoed. (A substring test would flag a
    // token that happens to read "med token".)
    const absl::string_view message = principal.status().message();
    HUBGATE_CHECK(!message.empty() &&
                      std::all_of(message.begin(), message.end(),
                                  [](char c) {
                                    return c == ' ' || (c >= 'a' && c <= 'z');
                                  }),
                  "refusal messages are fixed texts that never echo the token");
  }
  return 0;
}
