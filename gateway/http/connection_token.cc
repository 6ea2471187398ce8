#include "gateway/http/connection_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "hubcore/check.h"

namespace hubgate::gateway {

namespace {

constexpr char kVersion = 1;
constexpr size_t kDigestBytes = 16;
constexpr size_t kMacBytes = 32;
constexpr size_t kFixedBytes = 1 + 8 + kDigestBytes + 1;

absl::string_view View(std::string_view s) { return absl::string_view(s.data(), s.size()); }

}  // namespace

std::string ConnectionTokenSigner::Digest(std::string_view hub, std::string_view user_id) const {
  // Length-prefixed, so that ("ab", "c") and ("a", "bc") differ.
  std::string input = absl::StrCat(hub.size(), ":", View(hub), View(user_id));
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), kDigestBytes);
}

std::string ConnectionTokenSigner::Mac(std::string_view signed_part) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HUBGATE_CHECK(HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
                     reinterpret_cast<const unsigned char*>(signed_part.data()),
                     signed_part.size(), mac, &length) != nullptr &&
                    length == kMacBytes,
                "HMAC-SHA256 cannot fail");
  return std::string(reinterpret_cast<const char*>(mac), kMacBytes);
}

std::string ConnectionTokenSigner::Issue(
    std::string_view connection_id, std::string_view hub, std::string_view user_id,
    std::chrono::system_clock::time_point claim_deadline) const {
  HUBGATE_CHECK(connection_id.size() <= 255, "connection ids are short");
  std::string token;
  token.push_back(kVersion);
  const auto ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            claim_deadline.time_since_epoch())
                                            .count());
  for (int shift = 56; shift >= 0; shift -= 8) {
    token.push_back(static_cast<char>((ms >> shift) & 0xff));
  }
  token += Digest(hub, user_id);
  token.push_back(static_cast<char>(connection_id.size()));
  token.append(connection_id);
  token += Mac(token);
  return absl::WebSafeBase64Escape(token);
}

absl::StatusOr<ConnectionTokenSigner::Claims> ConnectionTokenSigner::Verify(
    std::string_view token, std::string_view hub, std::string_view user_id) const {
  std::string bytes;
  if (!absl::WebSafeBase64Unescape(View(token), &bytes) ||
      bytes.size() < kFixedBytes + kMacBytes || bytes[0] != kVersion) {
    return absl::InvalidArgumentError("not a connection token of this cluster");
  }
  const size_t id_length = static_cast<unsigned char>(bytes[kFixedBytes - 1]);
  if (bytes.size() != kFixedBytes + id_length + kMacBytes) {
    return absl::InvalidArgumentError("not a connection token of this cluster");
  }
  const std::string_view signed_part(bytes.data(), kFixedBytes + id_length);
  const std::string expected = Mac(signed_part);
  if (CRYPTO_memcmp(expected.data(), bytes.data() + signed_part.size(), kMacBytes) != 0) {
    return absl::InvalidArgumentError("connection token signature does not verify");
  }
  if (CRYPTO_memcmp(Digest(hub, user_id).data(), bytes.data() + 9, kDigestBytes) != 0) {
    return absl::InvalidArgumentError("connection token was issued for another hub or user");
  }
  uint64_t ms = 0;
  for (size_t i = 1; i <= 8; ++i) {
    ms = (ms << 8) | static_cast<unsigned char>(bytes[i]);
  }
  Claims claims;
  claims.claim_deadline = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::milliseconds(ms)));
  claims.connection_id.assign(bytes.data() + kFixedBytes, id_length);
  return claims;
}

}  // namespace hubgate::gateway
