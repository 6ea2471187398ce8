#include "gateway/runtime/connection_registry.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "absl/strings/escaping.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

std::array<uint8_t, 16> RandomBytes16() {
  std::array<uint8_t, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    spdlog::critical("OpenSSL RAND_bytes failed; refusing to issue predictable tokens");
    std::abort();
  }
  return bytes;
}

std::string NewRandomToken() {
  auto bytes = RandomBytes16();
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

void ConnectionRegistry::Add(const std::string& token, Entry entry) {
  absl::MutexLock lock(&mutex_);
  entries_.insert_or_assign(token, std::move(entry));
}

absl::StatusOr<ConnectionRegistry::Entry> ConnectionRegistry::Claim(const std::string& token,
                                                                    const std::string& hub,
                                                                    TransportKind transport) {
  absl::MutexLock lock(&mutex_);
  auto it = entries_.find(token);
  if (it == entries_.end() || it->second.hub != hub) {
    return absl::NotFoundError(kNoConnectionWithThatId);
  }
  Entry& entry = it->second;
  if (entry.claimed) {
    if (entry.transport != transport) {
      return absl::FailedPreconditionError("Cannot change transports mid-connection");
    }
    if (transport == TransportKind::kLongPolling) {
      return entry;  // the next poll of a Long Polling connection
    }
    if (transport == TransportKind::kWebSockets && entry.stateful) {
      return entry;  // a stateful-reconnect client resumes its connection
    }
    return absl::AlreadyExistsError("Connection ID already has an active transport");
  }
  Entry before = entry;
  entry.claimed = true;
  entry.transport = transport;
  before.transport = transport;
  return before;
}

absl::StatusOr<ConnectionRegistry::Entry> ConnectionRegistry::Find(const std::string& token,
                                                                   const std::string& hub) const {
  absl::MutexLock lock(&mutex_);
  auto it = entries_.find(token);
  if (it == entries_.end() || it->second.hub != hub) {
    return absl::NotFoundError(kNoConnectionWithThatId);
  }
  return it->second;
}

void ConnectionRegistry::AttachWebSocket(const std::string& token,
                                         std::weak_ptr<WebSocketSession> session) {
  absl::MutexLock lock(&mutex_);
  auto it = entries_.find(token);
  if (it != entries_.end()) {
    it->second.websocket = std::move(session);
  }
}

void ConnectionRegistry::AttachSession(const std::string& token,
                                       std::weak_ptr<HttpTransportSession> session) {
  absl::MutexLock lock(&mutex_);
  auto it = entries_.find(token);
  if (it != entries_.end()) {
    it->second.session = std::move(session);
  }
}

void ConnectionRegistry::Remove(const std::string& token) {
  absl::MutexLock lock(&mutex_);
  entries_.erase(token);
}

size_t ConnectionRegistry::ExpireUnclaimed(TimePoint now) {
  absl::MutexLock lock(&mutex_);
  size_t expired = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (!it->second.claimed && now >= it->second.connect_deadline) {
      entries_.erase(it++);
      ++expired;
    } else {
      ++it;
    }
  }
  return expired;
}

size_t ConnectionRegistry::size() const {
  absl::MutexLock lock(&mutex_);
  return entries_.size();
}

}  // namespace hubgate::gateway
