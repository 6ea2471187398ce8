#pragma once

#include <chrono>

namespace hubgate::services {

// How often gRPC checks the PEM files of the Push API listener and of the backends' channels
// (grpc::experimental::FileWatcherCertificateProvider) for new contents. Replaced files (a
// rotated Kubernetes Secret) then serve new TLS handshakes without a restart, while established
// connections keep the certificates they were made with. docs/configuration.md states this
// interval; gRPC counts it in whole seconds.
inline constexpr std::chrono::seconds kCertificateFileCheckInterval{2};

}  // namespace hubgate::services
