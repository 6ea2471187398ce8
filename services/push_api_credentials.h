#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "grpcpp/security/server_credentials.h"
#include "hubcore/push_api_options.h"

namespace hubgate::services {

// The Push API listener's credentials: plaintext, TLS (cert_file + key_file) or mutual TLS
// (plus client_ca_file: a client certificate signed by that CA is required). The PEM files are
// checked here (errors name the file), then re-read every second and a changed set checked again
// before gRPC gets it (services/validated_pem_mirror.h): a good replacement serves new handshakes
// without a restart, a bad one is logged and the previous certificates kept.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> PushApiServerCredentials(
    const hubcore::PushApiTlsOptions& tls);

}  // namespace hubgate::services
