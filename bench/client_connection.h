#pragma once

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "bench/client_pool_internal.h"
#include "bench/record_scanner.h"

namespace hubgate::bench {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

// One SignalR client connection, or a raw WebSocket subscriber (nginx-nchan). Reads run as one
// coroutine; writes (pings, invocations) use a two-string queue so only one async_write is in
// flight.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Worker& worker, uint64_t number) : worker_(worker), number_(number), ws_(worker.io) {}

  net::awaitable<void> Run();
  void Send(std::string_view message);
  void StartInvoke();
  // A SignalR Ping in the connection's protocol.
  void SendPing();
  bool open() const { return open_; }
  bool writing() const { return writing_; }
  uint64_t number() const { return number_; }

 private:
  net::awaitable<bool> Establish();
  void OnMessage(std::string_view message);
  void OnRecord(const RecordInfo& record, int64_t now_us);
  void CountDelivery(int64_t sent_us, int64_t now_us);
  void DoWrite();

  Worker& worker_;
  const uint64_t number_;
  websocket::stream<tcp::socket> ws_;
  beast::flat_buffer buffer_;
  std::string out_;
  std::string pending_;
  int64_t invoke_sent_us_ = 0;
  uint32_t invocation_id_ = 0;
  bool writing_ = false;
  bool open_ = false;
};

}  // namespace hubgate::bench
