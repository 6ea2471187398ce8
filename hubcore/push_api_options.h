#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace hubgate::hubcore {

// The operations an API key may be limited to; every Push API method belongs to exactly one
// (services/push_api_operation.h classifies them). Spelled as in the YAML configuration.
inline constexpr std::array<std::string_view, 4> kPushApiOperationNames = {
    "send", "membership", "client_results", "management"};

// One Push API key (push_api.keys[i] in the configuration, or HUBGATE_PUSH_API_KEY).
struct PushApiKeyOptions {
  std::string name;      // appears in logs, errors and metrics; the key never does
  std::string key;       // the secret itself, or
  std::string key_file;  // a file holding it (surrounding whitespace ignored), re-read on change
  std::vector<std::string> hubs;        // empty: every hub
  std::vector<std::string> operations;  // empty: every operation (kPushApiOperationNames)
};

// TLS for the Push API listener. client_ca_file turns on mutual TLS: a client certificate
// signed by that CA is then required, and counts as a credential.
struct PushApiTlsOptions {
  std::string cert_file;       // PEM certificate chain
  std::string key_file;        // PEM private key
  std::string client_ca_file;  // PEM CA bundle for client certificates (mTLS)
  bool enabled() const { return !cert_file.empty(); }
  bool mutual() const { return !client_ca_file.empty(); }
};

// Who may call the Push API (docs/security.md). A plain struct shared by the configuration
// (gateway/ops) and the gRPC server (services), which do not depend on each other.
struct PushApiOptions {
  std::vector<PushApiKeyOptions> keys;
  PushApiTlsOptions tls;
  // Without keys or mTLS the Push API binds to loopback only, unless this is true.
  bool allow_unauthenticated_remote = false;
  bool has_credentials() const { return !keys.empty() || tls.mutual(); }
};

}  // namespace hubgate::hubcore
