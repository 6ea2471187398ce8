#pragma once

// How a backend reaches the gateway's Push API: an API key and, for a TLS listener, the CA that
// signed the gateway's certificate (plus a client certificate when the gateway requires mTLS).
// Flags: --push_api_key (or the environment variable HUBGATE_PUSH_API_KEY, which keeps the key
// out of `ps`), --push_api_ca_file, --push_api_cert_file, --push_api_key_file.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace hubgate::examples {

struct PushApiAccess {
  std::string api_key;  // sent as "authorization: Bearer <key>"; empty: none
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
};

// From the flags above; errors name the unreadable file.
absl::StatusOr<PushApiAccess> PushApiAccessFromFlags();

// Adds the key to one call's metadata (call credentials would need TLS; this works on both).
void AddApiKey(const PushApiAccess& access, grpc::ClientContext& context);

}  // namespace hubgate::examples
