#pragma once
// The client pool's insides, shared by client_pool.cc (the threads and the pool) and
// client_connection.cc (one connection), so that Asio and Beast stay out of client_pool.h.

#include <atomic>
#include <boost/asio.hpp>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/client_pool.h"

namespace hubgate::bench {

namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;

// A counter written by one thread and read by any: relaxed load + store, no locked add.
struct SingleWriterCounter {
  std::atomic<uint64_t> value{0};
  void Add(uint64_t n = 1) {
    value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  uint64_t Get() const { return value.load(std::memory_order_relaxed); }
};

class Connection;

// One thread, one io_context, its share of the connections.
struct Worker {
  explicit Worker(ClientPool::Impl& pool, int index) : pool(pool), index(index), ping_timer(io) {}

  void Pump();                 // starts connects while the window allows
  void OnConnectFinished();    // one connect attempt ended (either way)
  void StartPingTimer();
  void OnPingTick();

  ClientPool::Impl& pool;
  const int index;
  net::io_context io{1};
  net::steady_timer ping_timer;
  std::thread thread;
  std::vector<std::shared_ptr<Connection>> connections;  // handshaken ones
  uint64_t pending_connects = 0;
  int connects_in_flight = 0;
  uint64_t next_connection_number = 0;
  uint64_t ping_tick = 0;

  SingleWriterCounter connected, connect_failed, closed, deliveries, other_records, server_pings,
      close_messages, invokes_done, invoke_errors, malformed;
  std::vector<uint32_t> delivery_latencies;  // this thread only
  std::vector<uint32_t> invoke_latencies;

  std::mutex ids_mutex;
  std::vector<std::string> ids;  // guarded by ids_mutex
};

struct ClientPool::Impl {
  explicit Impl(Options o) : options(std::move(o)) {
    for (const std::string& address : options.source_addresses) {
      sources.push_back(net::ip::make_address(address));
    }
    for (uint16_t port : options.ports) {
      endpoints.emplace_back(net::ip::make_address(options.host), port);
    }
  }

  Options options;
  std::vector<tcp::endpoint> endpoints;  // one per options.ports entry
  std::vector<net::ip::address> sources;
  std::vector<std::unique_ptr<Worker>> workers;
  std::atomic<uint64_t> invoke_tickets{0};
  std::atomic<uint64_t> invoke_total{0};
  std::atomic<bool> stopped{false};
  mutable std::mutex error_mutex;
  std::string first_error;  // guarded by error_mutex

  void NoteError(std::string_view what, const error_code& ec) {
    NoteError(std::string(what) + ": " + ec.message());
  }
  void NoteError(std::string text) {
    std::lock_guard lock(error_mutex);
    if (first_error.empty()) {
      first_error = std::move(text);
    }
  }
  bool TakeInvokeTicket() {
    return invoke_tickets.fetch_add(1, std::memory_order_relaxed) <
           invoke_total.load(std::memory_order_relaxed);
  }
};

}  // namespace hubgate::bench
