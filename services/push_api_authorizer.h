#pragma once

#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "grpcpp/server_context.h"
#include "services/push_api_key_store.h"
#include "services/push_api_refusal_observer.h"

namespace hubgate::services {

// The one check every Push API handler makes first: is the caller's API key known, and may it
// use this method's operation on this hub? The key comes from gRPC metadata,
// "authorization: Bearer <key>" (or "x-api-key: <key>"). Without a key store (no keys are
// configured) every call passes: the listener is then loopback-only or protected by mTLS.
class PushApiAuthorizer {
 public:
  PushApiAuthorizer(std::shared_ptr<PushApiKeyStore> keys, PushApiRefusalObserver on_refusal)
      : keys_(std::move(keys)), on_refusal_(std::move(on_refusal)) {}

  // `method` is the Push service's method name ("Send"); it must be classified
  // (push_api_operation.cc), else the process crashes: an unclassified RPC is a bug.
  // UNAUTHENTICATED: "missing API key" / "unknown API key"; PERMISSION_DENIED names the key,
  // the operation and the hub. Never the key itself.
  absl::Status Authorize(const grpc::ServerContextBase& context, std::string_view method,
                         std::string_view hub) const;

 private:
  absl::Status Refuse(absl::Status status, PushApiOperation operation) const;

  std::shared_ptr<PushApiKeyStore> keys_;
  PushApiRefusalObserver on_refusal_;
};

}  // namespace hubgate::services
