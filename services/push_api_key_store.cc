#include "services/push_api_key_store.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "hubcore/file_text.h"
#include "spdlog/spdlog.h"

namespace hubgate::services {
namespace {

// The key in `path`, without surrounding whitespace (editors and `echo` add a newline).
absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  absl::StatusOr<std::string> text = hubcore::ReadFileText(path);
  if (!text.ok()) {
    return absl::NotFoundError(absl::StrCat("cannot open key file ", path));
  }
  std::string key(absl::StripAsciiWhitespace(*text));
  if (key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("key file ", path, " is empty"));
  }
  return key;
}

absl::StatusOr<std::shared_ptr<const PushApiGrant>> GrantOf(
    const hubcore::PushApiKeyOptions& options) {
  auto grant = std::make_shared<PushApiGrant>();
  grant->name = options.name;
  grant->hubs.insert(options.hubs.begin(), options.hubs.end());
  if (options.operations.empty()) {
    for (PushApiOperation operation : kAllPushApiOperations) {
      grant->operations |= 1u << static_cast<int>(operation);
    }
  }
  for (const std::string& name : options.operations) {
    std::optional<PushApiOperation> operation = ParsePushApiOperation(name);
    if (!operation.has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat("push_api.keys '", options.name, "': unknown operation '", name, "'"));
    }
    grant->operations |= 1u << static_cast<int>(*operation);
  }
  return grant;
}

}  // namespace

PushApiKeyStore::Digest PushApiKeyStore::DigestOf(std::string_view key) {
  Digest digest;
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest.data());
  return digest;
}

absl::StatusOr<std::unique_ptr<PushApiKeyStore>> PushApiKeyStore::Create(
    const std::vector<hubcore::PushApiKeyOptions>& keys) {
  std::vector<Entry> entries;
  for (const hubcore::PushApiKeyOptions& options : keys) {
    absl::StatusOr<std::shared_ptr<const PushApiGrant>> grant = GrantOf(options);
    if (!grant.ok()) {
      return grant.status();
    }
    std::string key = options.key;
    if (!options.key_file.empty()) {
      absl::StatusOr<std::string> read = ReadKeyFile(options.key_file);
      if (!read.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("push_api.keys '", options.name, "': ", read.status().message()));
      }
      key = *std::move(read);
    }
    if (key.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("push_api.keys '", options.name, "': the key is empty"));
    }
    entries.push_back({DigestOf(key), options.key_file, *std::move(grant)});
  }
  return std::unique_ptr<PushApiKeyStore>(new PushApiKeyStore(std::move(entries)));
}

std::shared_ptr<const PushApiGrant> PushApiKeyStore::Find(std::string_view presented) const {
  const Digest digest = DigestOf(presented);
  std::shared_ptr<const PushApiGrant> found;
  absl::ReaderMutexLock lock(&mutex_);
  // Every entry is compared, so the time taken does not tell which key matched.
  for (const Entry& entry : entries_) {
    if (CRYPTO_memcmp(entry.digest.data(), digest.data(), digest.size()) == 0) {
      found = entry.grant;
    }
  }
  return found;
}

int PushApiKeyStore::ReloadKeyFiles() {
  // Files are read outside the lock: lookups never wait for the disk.
  std::vector<std::pair<std::string, std::string>> files;  // key name, path
  {
    absl::ReaderMutexLock lock(&mutex_);
    for (const Entry& entry : entries_) {
      files.emplace_back(entry.grant->name, entry.key_file);
    }
  }
  std::vector<std::optional<Digest>> digests(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i].second.empty()) {
      continue;
    }
    absl::StatusOr<std::string> key = ReadKeyFile(files[i].second);
    if (!key.ok()) {
      spdlog::error("Push API key '{}': {}; keeping the previous key", files[i].first,
                    std::string(key.status().message()));
      continue;
    }
    digests[i] = DigestOf(*key);
  }
  int replaced = 0;
  absl::MutexLock lock(&mutex_);
  for (size_t i = 0; i < digests.size() && i < entries_.size(); ++i) {
    if (digests[i].has_value() && *digests[i] != entries_[i].digest) {
      entries_[i].digest = *digests[i];
      ++replaced;
      spdlog::info("Push API key '{}' rotated (re-read from {})", entries_[i].grant->name,
                   entries_[i].key_file);
    }
  }
  return replaced;
}

bool PushApiKeyStore::has_key_files() const {
  absl::ReaderMutexLock lock(&mutex_);
  for (const Entry& entry : entries_) {
    if (!entry.key_file.empty()) {
      return true;
    }
  }
  return false;
}

}  // namespace hubgate::services
