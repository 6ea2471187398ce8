#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "hubcore/hub_options.h"

namespace hubgate::services {

// The channel credentials of a hub's backend: TLS with the CA bundle of
// `hub.backend_tls.ca_file` and, when given, the client certificate and key (mutual TLS);
// plaintext when no CA file is configured. InvalidArgument (naming the hub and the file) when a
// file cannot be read or only one of certificate and key is given. The files are re-read every
// second and a changed set checked again before gRPC gets it (services/validated_pem_mirror.h):
// a good replacement serves new connections without a restart, a bad one is logged and the
// previous certificates kept.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> BackendCredentials(
    const hubcore::HubOptions& hub);

}  // namespace hubgate::services
