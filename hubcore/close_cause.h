#pragma once

namespace hubgate::hubcore {

// Why a connection ended, in words fit for a metric label (see gateway/ops/metrics.cc).
enum class CloseCause {
  kNone,             // still open
  kClientClosed,     // the client closed cleanly
  kHandshakeFailed,  // bad, unsupported or missing handshake
  kRejected,         // the hub's backend refused the connection (or failed deciding)
  kClientTimeout,    // nothing received within client_timeout
  kProtocolError,    // a malformed or oversized message
  kSlowConsumer,     // the send queue overflowed, or a write made no progress
  kServerClosed,     // the server closed it (shutdown)
  kTransportError,   // the transport failed without a clean close
  kAuthenticationExpired,  // the token expired (hubs with close_on_authentication_expiration)
};

}  // namespace hubgate::hubcore
