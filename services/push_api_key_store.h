#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "hubcore/push_api_options.h"
#include "services/push_api_operation.h"

namespace hubgate::services {

// What a recognised API key may do.
struct PushApiGrant {
  std::string name;
  absl::flat_hash_set<std::string> hubs;  // empty: every hub
  uint32_t operations = 0;                // bit (1 << PushApiOperation)

  bool Allows(PushApiOperation operation) const {
    return (operations & (1u << static_cast<int>(operation))) != 0;
  }
  bool AllowsHub(std::string_view hub) const {
    return hubs.empty() || hubs.contains(absl::string_view(hub.data(), hub.size()));
  }
};

// The configured Push API keys. Only SHA-256 digests are kept, and a presented key is compared
// with every digest by CRYPTO_memcmp, so neither a key's bytes nor its length leak through
// timing. Thread-safe: lookups and key file reloads may run concurrently.
class PushApiKeyStore {
 public:
  // Reads every key_file; errors name the key ("push_api.keys 'billing': ...").
  static absl::StatusOr<std::unique_ptr<PushApiKeyStore>> Create(
      const std::vector<hubcore::PushApiKeyOptions>& keys);

  // The grant of `presented`, or null when no key matches.
  std::shared_ptr<const PushApiGrant> Find(std::string_view presented) const;

  // Re-reads the key files and swaps in the keys whose content changed. A file that cannot be
  // read, or is empty, keeps its previous key (a half-written Secret must not lock out every
  // backend); the error is logged. Returns the number of keys replaced.
  int ReloadKeyFiles();

  bool has_key_files() const;

 private:
  using Digest = std::array<unsigned char, 32>;
  struct Entry {
    Digest digest;
    std::string key_file;  // empty for inline keys
    std::shared_ptr<const PushApiGrant> grant;
  };

  explicit PushApiKeyStore(std::vector<Entry> entries) : entries_(std::move(entries)) {}
  static Digest DigestOf(std::string_view key);

  mutable absl::Mutex mutex_;
  std::vector<Entry> entries_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace hubgate::services
