#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace hubgate::hubcore {

// What a connection does when its send queue is full.
enum class SlowConsumerPolicy {
  kClose,  // send Close with an error and drop the connection (default; nothing is lost silently)
  kDrop,   // drop the new message and keep the connection (lossy, for best-effort feeds)
};

// The transports a hub offers (a bit set), as .NET's HttpTransportType.
enum TransportBits : unsigned {
  kTransportWebSockets = 1,
  kTransportServerSentEvents = 2,
  kTransportLongPolling = 4,
  kAllTransports = kTransportWebSockets | kTransportServerSentEvents | kTransportLongPolling,
};

// The per-hub rules, with ASP.NET Core SignalR's defaults.
struct HubOptions {
  std::string name;   // e.g. "posts"; the Push API's `hub`
  std::string path;   // e.g. "/hubs/posts"
  bool require_auth = false;
  bool detailed_errors = false;
  // Close a connection when its token expires (ASP.NET Core's CloseOnAuthenticationExpiration);
  // off: tokens are checked when connecting only.
  bool close_on_authentication_expiration = false;
  // Hub method calls a connection may start per second (a token bucket holding
  // invocation_burst calls; 0: no limit). A call beyond it is answered with
  // kInvocationRateLimitExceeded (or dropped, without an invocation id); the connection stays.
  int max_invocations_per_second = 0;
  int invocation_burst = 0;  // 0: as many as max_invocations_per_second
  size_t max_message_size = 32 * 1024;        // MaximumReceiveMessageSize
  size_t max_queued_bytes = 1024 * 1024;      // per-connection send queue bound
  SlowConsumerPolicy slow_consumer_policy = SlowConsumerPolicy::kClose;
  std::chrono::milliseconds handshake_timeout{15'000};
  std::chrono::milliseconds keep_alive_interval{15'000};
  std::chrono::milliseconds client_timeout{30'000};
  std::chrono::milliseconds disconnect_timeout{15'000};  // negotiated-but-unused connections
  // Stateful reconnect (opt-in): offered when the client asks in its negotiate; a connection
  // that lost its transport uncleanly is then kept for disconnect_timeout and resumed.
  bool stateful_reconnect = false;
  size_t stateful_reconnect_buffer_size = 100'000;  // unacknowledged bytes kept per connection

  // Hub methods, answered by the hub's backend (a HubHandler gRPC service).
  std::string backend_target;  // e.g. "dns:///posts:50051"; empty: the hub has no methods
  std::chrono::milliseconds backend_deadline{30'000};  // per unary backend call
  int max_parallel_invocations = 1;  // a client's non-streaming calls beyond this wait in order
  size_t stream_buffer_capacity = 10;  // upload stream items buffered before back-pressure
  std::vector<std::string> forwarded_headers;  // connect-request headers passed to the backend

  // Transports offered by negotiate and accepted on the hub path (TransportBits).
  unsigned transports = kAllTransports;
  // Long Polling: a poll with nothing to send ends with 200 and no body after this long
  // (.NET's LongPollingOptions.PollTimeout; keep it below the client's 100 s request timeout).
  std::chrono::milliseconds poll_timeout{90'000};
  // When negotiate_redirect_url is set, negotiate answers {"url", "accessToken"} instead of
  // creating a connection: the client negotiates again there (a front door sending clients to
  // a given node). The access token is this one, or else the caller's bearer token.
  std::string negotiate_redirect_url;
  std::string negotiate_redirect_access_token;

  // Backends coming and going (issue 11).
  // When the backend's OnConnected fails because the backend is unavailable (gRPC UNAVAILABLE or
  // DEADLINE_EXCEEDED): refuse the connection (false, the default: OnConnected is where a
  // backend authorizes connections and joins them to groups, so nobody gets in unchecked), or
  // accept it without the backend knowing (true: push-only hubs whose OnConnected only
  // observes). Other OnConnected errors always refuse.
  bool accept_when_backend_unavailable = false;
  // Failed backend calls are logged at warning level at most once per this interval per hub.
  std::chrono::milliseconds backend_failure_log_interval{10'000};
  // TLS to the backend (grpc::SslCredentials); plaintext while ca_file is empty. The client
  // certificate and key (PEM files) are optional, and go together.
  struct BackendTls {
    std::string ca_file;
    std::string cert_file;
    std::string key_file;
    bool enabled() const { return !ca_file.empty(); }
  };
  BackendTls backend_tls;
};

}  // namespace hubgate::hubcore
