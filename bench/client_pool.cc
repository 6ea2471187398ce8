#include "bench/client_pool.h"

#include <netinet/in.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <mutex>
#include <string_view>
#include <thread>

#include "bench/messagepack_codec.h"
#include "bench/proc_stats.h"
#include "bench/record_scanner.h"

namespace hubgate::bench {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using error_code = boost::system::error_code;

constexpr auto kUseTuple = net::experimental::as_tuple(net::use_awaitable);
constexpr std::string_view kHandshake = "{\"protocol\":\"json\",\"version\":1}\x1e";
constexpr std::string_view kMessagePackHandshake =
    "{\"protocol\":\"messagepack\",\"version\":1}\x1e";
constexpr std::string_view kPing = "{\"type\":6}\x1e";
// A read buffer that grew beyond this (a large batch) is released after the read.
constexpr size_t kMaxIdleBufferBytes = 16 * 1024;

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

// A counter written by one thread and read by any: relaxed load + store, no locked add.
struct SingleWriterCounter {
  std::atomic<uint64_t> value{0};
  void Add(uint64_t n = 1) { value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  uint64_t Get() const { return value.load(std::memory_order_relaxed); }
};

// The quoted string value of `"key":"..."` in a small JSON text (no escapes expected).
std::string StringProperty(std::string_view json, std::string_view key) {
  const std::string needle = "\"" + std::string(key) + "\":\"";
  const size_t at = json.find(needle);
  if (at == std::string_view::npos) {
    return "";
  }
  const size_t begin = at + needle.size();
  const size_t end = json.find('"', begin);
  return end == std::string_view::npos ? "" : std::string(json.substr(begin, end - begin));
}

}  // namespace

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
    endpoint = tcp::endpoint(net::ip::make_address(options.host), options.port);
  }

  Options options;
  tcp::endpoint endpoint;
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

// One SignalR client connection. Reads run as one coroutine; writes (pings, invocations) use
// a two-string queue so only one async_write is in flight.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Worker& worker, uint64_t number) : worker_(worker), number_(number), ws_(worker.io) {}

  net::awaitable<void> Run();
  void Send(std::string_view message);
  void StartInvoke();
  bool open() const { return open_; }
  bool writing() const { return writing_; }
  uint64_t number() const { return number_; }

 private:
  net::awaitable<bool> Establish();
  void OnMessage(std::string_view message);
  void OnRecord(const RecordInfo& record, int64_t now_us);
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

net::awaitable<bool> Connection::Establish() {
  ClientPool::Impl& pool = worker_.pool;
  tcp::socket& socket = ws_.next_layer();
  error_code ec;
  socket.open(pool.endpoint.protocol(), ec);
  if (!ec && !pool.sources.empty()) {
    // Defer the port choice to connect(): the 4-tuple, not the source address alone, must be
    // unique, so each source address gives a full ephemeral port range per server port.
    int one = 1;
    setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
    socket.bind(tcp::endpoint(pool.sources[number_ % pool.sources.size()], 0), ec);
  }
  if (ec) {
    pool.NoteError("socket", ec);
    co_return false;
  }
  std::tie(ec) = co_await socket.async_connect(pool.endpoint, kUseTuple);
  if (ec) {
    pool.NoteError("connect", ec);
    co_return false;
  }
  socket.set_option(tcp::no_delay(true), ec);

  const std::string host = pool.options.host + ":" + std::to_string(pool.options.port);
  std::string target = pool.options.hub_path;
  std::string connection_id;
  if (pool.options.negotiate) {
    http::request<http::empty_body> request(
        http::verb::post, pool.options.hub_path + "/negotiate?negotiateVersion=1", 11);
    request.set(http::field::host, host);
    request.content_length(0);
    std::tie(ec, std::ignore) = co_await http::async_write(socket, request, kUseTuple);
    http::response<http::string_body> response;
    if (!ec) {
      std::tie(ec, std::ignore) = co_await http::async_read(socket, buffer_, response, kUseTuple);
    }
    if (ec) {
      pool.NoteError("negotiate", ec);
      co_return false;
    }
    connection_id = StringProperty(response.body(), "connectionId");
    const std::string token = StringProperty(response.body(), "connectionToken");
    if (response.result() != http::status::ok || connection_id.empty() || token.empty()) {
      pool.NoteError("negotiate answered " + response.body());
      co_return false;
    }
    target += "?id=" + token;
    buffer_.consume(buffer_.size());
  }

  ws_.write_buffer_bytes(512);  // client writes are small (pings, invocations)
  std::tie(ec) = co_await ws_.async_handshake(host, target, kUseTuple);
  if (ec) {
    pool.NoteError("websocket upgrade", ec);
    co_return false;
  }
  // The handshake request is a text frame in both protocols; with MessagePack the answer and
  // everything after it are binary frames.
  const bool messagepack = pool.options.messagepack;
  ws_.text(true);
  std::tie(ec, std::ignore) = co_await ws_.async_write(
      net::buffer(messagepack ? kMessagePackHandshake : kHandshake), kUseTuple);
  if (!ec) {
    std::tie(ec, std::ignore) = co_await ws_.async_read(buffer_, kUseTuple);
  }
  if (ec) {
    pool.NoteError("hub handshake", ec);
    co_return false;
  }
  const std::string_view answer(static_cast<const char*>(buffer_.cdata().data()), buffer_.size());
  if (answer.substr(0, 3) != "{}\x1e") {
    pool.NoteError("hub handshake answered " + std::string(answer.substr(0, 200)));
    co_return false;
  }
  if (messagepack) {
    ws_.binary(true);
  }
  if (answer.size() > 3) {
    OnMessage(answer.substr(3));
  }
  buffer_.consume(buffer_.size());
  if (!connection_id.empty()) {
    std::lock_guard lock(worker_.ids_mutex);
    worker_.ids.push_back(std::move(connection_id));
  }
  co_return true;
}

net::awaitable<void> Connection::Run() {
  auto self = shared_from_this();
  const bool established = co_await Establish();
  if (!established) {
    worker_.connect_failed.Add();
    worker_.OnConnectFinished();
    co_return;
  }
  open_ = true;
  worker_.connections.push_back(self);
  worker_.connected.Add();
  worker_.OnConnectFinished();
  if (worker_.pool.invoke_total.load(std::memory_order_relaxed) > 0) {
    StartInvoke();
  }
  for (;;) {
    auto [ec, bytes] = co_await ws_.async_read(buffer_, kUseTuple);
    if (ec) {
      break;
    }
    OnMessage(
        std::string_view(static_cast<const char*>(buffer_.cdata().data()), buffer_.size()));
    buffer_.consume(buffer_.size());
    if (buffer_.capacity() > kMaxIdleBufferBytes) {
      buffer_.shrink_to_fit();
    }
  }
  open_ = false;
  if (!worker_.pool.stopped.load(std::memory_order_relaxed)) {
    worker_.closed.Add();
  }
}

void Connection::OnMessage(std::string_view message) {
  const int64_t now_us = RealtimeMicros();
  auto on_record = [&](const RecordInfo& record) { OnRecord(record, now_us); };
  if (!worker_.pool.options.messagepack) {
    ScanRecords(message, on_record);
  } else if (!ScanMessagePackRecords(message, on_record)) {
    worker_.malformed.Add();
    std::string hex;
    for (size_t i = 0; i < message.size() && i < 32; ++i) {
      static constexpr char kDigits[] = "0123456789abcdef";
      hex += kDigits[static_cast<uint8_t>(message[i]) >> 4];
      hex += kDigits[static_cast<uint8_t>(message[i]) & 15];
    }
    worker_.pool.NoteError("malformed MessagePack message (" + std::to_string(message.size()) +
                           " bytes): " + hex);
  }
}

void Connection::OnRecord(const RecordInfo& record, int64_t now_us) {
  switch (record.type) {
    case 1:
      if (record.first_argument > 0) {
        worker_.deliveries.Add();
        const int64_t latency = now_us - record.first_argument;
        worker_.delivery_latencies.push_back(
            static_cast<uint32_t>(std::clamp<int64_t>(latency, 0, UINT32_MAX)));
      } else {
        worker_.other_records.Add();
      }
      break;
    case 3:
      // MessagePack records carry the invocation id; a Completion for another call (there is
      // only one in flight) is not ours.
      if (worker_.pool.options.messagepack && record.invocation_id != invocation_id_) {
        worker_.other_records.Add();
        break;
      }
      worker_.invokes_done.Add();
      if (record.has_error) {
        worker_.invoke_errors.Add();
      }
      worker_.invoke_latencies.push_back(static_cast<uint32_t>(
          std::clamp<int64_t>(now_us - invoke_sent_us_, 0, UINT32_MAX)));
      StartInvoke();
      break;
    case 6:
      worker_.server_pings.Add();
      break;
    case 7:
      worker_.close_messages.Add();
      break;
    default:
      worker_.other_records.Add();
      break;
  }
}

void Connection::StartInvoke() {
  if (!open_ || !worker_.pool.TakeInvokeTicket()) {
    return;
  }
  const ClientPool::Options& options = worker_.pool.options;
  if (options.messagepack) {
    std::string message = EncodeMessagePackInvocation(++invocation_id_, options.invoke_target,
                                                      options.invoke_arguments_messagepack);
    invoke_sent_us_ = RealtimeMicros();
    Send(message);
    return;
  }
  std::string message = "{\"type\":1,\"invocationId\":\"" + std::to_string(++invocation_id_) +
                        "\",\"target\":\"" + options.invoke_target +
                        "\",\"arguments\":" + options.invoke_arguments + "}\x1e";
  invoke_sent_us_ = RealtimeMicros();
  Send(message);
}

void Connection::Send(std::string_view message) {
  if (writing_) {
    pending_.append(message);
    return;
  }
  out_.assign(message);
  DoWrite();
}

void Connection::DoWrite() {
  writing_ = true;
  ws_.async_write(net::buffer(out_), [self = shared_from_this()](error_code ec, size_t) {
    self->writing_ = false;
    if (ec) {
      return;  // the read loop sees the failure too
    }
    if (!self->pending_.empty()) {
      self->out_.swap(self->pending_);
      self->pending_.clear();
      self->DoWrite();
    } else if (self->out_.capacity() > 256) {
      std::string().swap(self->out_);
    }
  });
}

void Worker::Pump() {
  while (pending_connects > 0 && connects_in_flight < pool.options.connect_window) {
    --pending_connects;
    ++connects_in_flight;
    const uint64_t number =
        next_connection_number++ * pool.workers.size() + static_cast<uint64_t>(index);
    auto connection = std::make_shared<Connection>(*this, number);
    net::co_spawn(io, connection->Run(), net::detached);
  }
}

void Worker::OnConnectFinished() {
  --connects_in_flight;
  Pump();
}

void Worker::StartPingTimer() {
  ping_timer.expires_after(std::chrono::seconds(1));
  ping_timer.async_wait([this](error_code ec) {
    if (!ec) {
      OnPingTick();
      StartPingTimer();
    }
  });
}

// Each second pings the connections whose turn it is, so every connection sends a ping once
// per ping_interval and the pings are spread over the interval.
void Worker::OnPingTick() {
  const uint64_t slots = std::max<int64_t>(1, pool.options.ping_interval.count());
  const uint64_t slot = ping_tick++ % slots;
  for (const auto& connection : connections) {
    if (connection->number() % slots == slot && connection->open() && !connection->writing()) {
      connection->Send(pool.options.messagepack ? kMessagePackPing : kPing);
    }
  }
}

ClientPool::ClientPool(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {
  const int threads = std::max(1, impl_->options.threads);
  for (int i = 0; i < threads; ++i) {
    impl_->workers.push_back(std::make_unique<Worker>(*impl_, i));
  }
  for (auto& worker : impl_->workers) {
    Worker* w = worker.get();
    w->StartPingTimer();
    w->thread = std::thread([w] { w->io.run(); });
  }
}

ClientPool::~ClientPool() { Stop(); }

void ClientPool::Connect(uint64_t count) {
  const uint64_t threads = impl_->workers.size();
  for (uint64_t i = 0; i < threads; ++i) {
    const uint64_t share = count / threads + (i < count % threads ? 1 : 0);
    Worker* w = impl_->workers[i].get();
    net::post(w->io, [w, share] {
      w->pending_connects += share;
      w->Pump();
    });
  }
}

ClientPool::Counters ClientPool::counters() const {
  Counters total;
  for (const auto& w : impl_->workers) {
    total.connected += w->connected.Get();
    total.connect_failed += w->connect_failed.Get();
    total.closed += w->closed.Get();
    total.deliveries += w->deliveries.Get();
    total.other_records += w->other_records.Get();
    total.server_pings += w->server_pings.Get();
    total.close_messages += w->close_messages.Get();
    total.invokes_done += w->invokes_done.Get();
    total.invoke_errors += w->invoke_errors.Get();
    total.malformed += w->malformed.Get();
  }
  return total;
}

std::string ClientPool::first_error() const {
  std::lock_guard lock(impl_->error_mutex);
  return impl_->first_error;
}

std::vector<std::string> ClientPool::ConnectionIds() const {
  std::vector<std::string> ids;
  for (const auto& w : impl_->workers) {
    std::lock_guard lock(w->ids_mutex);
    ids.insert(ids.end(), w->ids.begin(), w->ids.end());
  }
  return ids;
}

void ClientPool::StartInvokes(uint64_t total) {
  impl_->invoke_total.store(total);
  for (auto& worker : impl_->workers) {
    Worker* w = worker.get();
    net::post(w->io, [w] {
      for (const auto& connection : w->connections) {
        connection->StartInvoke();
      }
    });
  }
}

void ClientPool::Stop() {
  if (impl_->stopped.exchange(true)) {
    return;
  }
  for (auto& w : impl_->workers) {
    w->io.stop();
  }
  for (auto& w : impl_->workers) {
    if (w->thread.joinable()) {
      w->thread.join();
    }
  }
}

std::vector<uint32_t> ClientPool::TakeDeliveryLatencies() {
  std::vector<uint32_t> all;
  for (auto& w : impl_->workers) {
    all.insert(all.end(), w->delivery_latencies.begin(), w->delivery_latencies.end());
    std::vector<uint32_t>().swap(w->delivery_latencies);
  }
  return all;
}

std::vector<uint32_t> ClientPool::TakeInvokeLatencies() {
  std::vector<uint32_t> all;
  for (auto& w : impl_->workers) {
    all.insert(all.end(), w->invoke_latencies.begin(), w->invoke_latencies.end());
    std::vector<uint32_t>().swap(w->invoke_latencies);
  }
  return all;
}

}  // namespace hubgate::bench
