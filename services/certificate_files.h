#pragma once

#include <chrono>

namespace hubgate::services {

// How often the configured PEM files of the Push API listener and of the backends' channels are
// re-read (services/pem_mirror_registry.h). A changed set is checked and only then copied into
// the private directory that gRPC watches (services/validated_pem_mirror.h), so a bad
// replacement leaves the previous certificates in use.
inline constexpr std::chrono::seconds kPemMirrorCheckInterval{1};

// How often gRPC (grpc::experimental::FileWatcherCertificateProvider) checks that private copy.
// A replaced set (a rotated Kubernetes Secret) then serves new TLS handshakes within the sum of
// both intervals, without a restart, while established connections keep the certificates they
// were made with. docs/configuration.md states this bound; gRPC counts in whole seconds.
inline constexpr std::chrono::seconds kCertificateFileCheckInterval{1};

}  // namespace hubgate::services
