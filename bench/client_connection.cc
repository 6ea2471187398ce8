#include "bench/client_connection.h"

#include <netinet/in.h>

#include <algorithm>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/beast/http.hpp>
#include <tuple>
#include <utility>

#include "bench/messagepack_codec.h"
#include "bench/proc_stats.h"

namespace hubgate::bench {
namespace {

namespace http = boost::beast::http;

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

net::awaitable<bool> Connection::Establish() {
  ClientPool::Impl& pool = worker_.pool;
  tcp::socket& socket = ws_.next_layer();
  const tcp::endpoint& server = pool.endpoints[number_ % pool.endpoints.size()];
  error_code ec;
  socket.open(server.protocol(), ec);
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
  std::tie(ec) = co_await socket.async_connect(server, kUseTuple);
  if (ec) {
    pool.NoteError("connect", ec);
    co_return false;
  }
  socket.set_option(tcp::no_delay(true), ec);

  const std::string host = pool.options.host + ":" + std::to_string(server.port());
  const bool raw = static_cast<bool>(pool.options.raw_target_of);
  std::string target = raw ? pool.options.raw_target_of(number_) : pool.options.hub_path;
  std::string connection_id;
  if (pool.options.negotiate && !raw) {
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
  if (raw) {
    co_return true;  // a raw subscriber is subscribed once upgraded
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
  if (worker_.pool.options.raw_target_of) {
    const int64_t sent_us = ParseRawTimestamp(message);
    if (sent_us > 0) {
      CountDelivery(sent_us, now_us);
    } else {
      worker_.other_records.Add();
    }
    return;
  }
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
        CountDelivery(record.first_argument, now_us);
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

void Connection::CountDelivery(int64_t sent_us, int64_t now_us) {
  worker_.deliveries.Add();
  worker_.delivery_latencies.push_back(
      static_cast<uint32_t>(std::clamp<int64_t>(now_us - sent_us, 0, UINT32_MAX)));
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

void Connection::SendPing() {
  if (worker_.pool.options.raw_target_of) {
    // A raw subscriber has no protocol ping; a WebSocket ping keeps it as busy as a SignalR
    // client (the server answers a pong). The flag keeps one ping in flight at a time.
    writing_ = true;
    ws_.async_ping({}, [self = shared_from_this()](error_code) { self->writing_ = false; });
    return;
  }
  Send(worker_.pool.options.messagepack ? kMessagePackPing : kPing);
}

}  // namespace hubgate::bench
