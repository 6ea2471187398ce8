#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace hubgate::bench {

// SignalR clients (JSON or MessagePack hub protocol), or raw WebSocket subscribers (nginx-nchan),
// over Boost.Beast WebSockets, spread over `threads` threads that each run their own
// io_context. Asio and Beast stay out of this header (pimpl: client_pool_internal.h,
// client_connection.h).
class ClientPool {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    // Connection n (0, 1, ... over the pool) goes to ports[n % ports.size()]: several gateway
    // replicas on one host share the connections round-robin.
    std::vector<uint16_t> ports;
    std::string hub_path = "/hubs/posts";
    std::vector<std::string> source_addresses;  // bound before connect, round-robin; empty: none
    int threads = 2;
    bool negotiate = false;     // POST negotiate first (learns the connection id), then ?id=
    int connect_window = 64;    // connects in flight per thread
    std::chrono::seconds ping_interval{15};
    std::string invoke_target = "SendComment";
    std::string invoke_arguments = "[1,\"bench\"]";  // JSON array text
    bool messagepack = false;  // MessagePack hub protocol instead of JSON
    // MessagePack: invoke_arguments encoded as a msgpack array (JsonArgumentsToMessagePack).
    std::string invoke_arguments_messagepack;
    // Set: raw WebSocket clients (nginx-nchan) instead of SignalR ones. Connection n (0, 1, ...
    // over the pool) upgrades to raw_target_of(n), with no negotiate and no hub handshake; each
    // text message is one delivery ("[<send time in µs>,..."); pings are WebSocket pings.
    std::function<std::string(uint64_t)> raw_target_of;
  };

  // Totals over all threads; safe to read at any time.
  struct Counters {
    uint64_t connected = 0;
    uint64_t connect_failed = 0;
    uint64_t closed = 0;          // connections that ended after the handshake
    uint64_t deliveries = 0;      // Invocations (raw: messages) carrying a bench timestamp
    uint64_t other_records = 0;   // any other record, pings excluded
    uint64_t server_pings = 0;
    uint64_t close_messages = 0;  // SignalR Close records received
    uint64_t invokes_done = 0;
    uint64_t invoke_errors = 0;   // Completions with an error
    uint64_t malformed = 0;       // WebSocket messages that could not be read (MessagePack)
  };

  explicit ClientPool(Options options);
  ~ClientPool();
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;

  // Starts `count` more connections (non-blocking); progress shows in counters().
  void Connect(uint64_t count);
  Counters counters() const;
  // First connect error seen (for the report), empty when none.
  std::string first_error() const;

  // Connection ids learned by negotiate (in no particular order).
  std::vector<std::string> ConnectionIds() const;

  // Every open connection calls the hub method back to back (one call in flight each) until
  // `total` calls were started over the pool.
  void StartInvokes(uint64_t total);

  // Stops the threads and closes every socket. Idempotent.
  void Stop();
  // After Stop(): latency samples in microseconds (send timestamp to receipt; invoke round trip).
  std::vector<uint32_t> TakeDeliveryLatencies();
  std::vector<uint32_t> TakeInvokeLatencies();

 struct Impl;  // defined in client_pool_internal.h

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace hubgate::bench
