#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/security/credentials.h"
#include "hubcore/hub_options.h"

namespace hubgate::services {

// The channel credentials of a hub's backend: TLS with the CA bundle of
// `hub.backend_tls.ca_file` and, when given, the client certificate and key (mutual TLS);
// plaintext when no CA file is configured. InvalidArgument (naming the hub and the file) when a
// file cannot be read or only one of certificate and key is given. The files are watched by
// gRPC: replaced files serve new connections within kCertificateFileCheckInterval
// (services/certificate_files.h), no restart needed.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> BackendCredentials(
    const hubcore::HubOptions& hub);

}  // namespace hubgate::services
