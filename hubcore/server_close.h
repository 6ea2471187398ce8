#pragma once

#include <string>
#include <string_view>

#include "hubcore/close_cause.h"

namespace hubgate::hubcore {

// Why the server ends a connection, and what the client is told in its Close message (the texts
// of ASP.NET Core, with the exception type only when detailed errors are on).
struct ServerClose {
  std::string reason;  // for logs and the on-disconnected event
  CloseCause cause = CloseCause::kServerClosed;
  std::string error;  // the Close message's error
  bool allow_reconnect = true;

  // The send queue overflowed, or the stateful-reconnect log holds too much.
  static ServerClose SlowConsumer(bool detailed_errors);
  // A malformed message: the client must not reconnect with the same code.
  static ServerClose ProtocolError(std::string_view detail, bool detailed_errors);
  // Nothing received within client_timeout.
  static ServerClose ClientTimeout();
  // ASP.NET Core's CloseOnAuthenticationExpiration. allowReconnect: a client with automatic
  // reconnect negotiates again, with a fresh token from its token factory.
  static ServerClose AuthenticationExpired(bool detailed_errors);
};

}  // namespace hubgate::hubcore
