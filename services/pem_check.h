#pragma once

#include <string_view>

#include "absl/status/status.h"

namespace hubgate::services {

// Checks of the PEM files that gRPC then watches, at start-up and on every change
// (services/validated_pem_mirror.h): gRPC only logs a file it cannot load and then fails every
// handshake, so a bad file is caught here, before the listener or channel exists or before
// gRPC sees it. Parsing is OpenSSL's. The messages name no file: the callers add the
// configuration key and the path.

// At least one certificate, and every PEM block a certificate ("holds no valid certificate").
absl::Status CheckCertificates(std::string_view pem);
// A private key ("holds no valid private key").
absl::Status CheckPrivateKey(std::string_view pem);
// The key is the one of the chain's first certificate ("does not belong to the certificate").
absl::Status CheckKeyMatchesCertificate(std::string_view key_pem, std::string_view cert_pem);

}  // namespace hubgate::services
