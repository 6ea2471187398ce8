#include "bench/nchan_publish_load.h"

#include <boost/asio.hpp>
#include <boost/asio/experimental/as_tuple.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <algorithm>
#include <chrono>
#include <tuple>
#include <utility>

#include "bench/bench_payload.h"

namespace hubgate::bench {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr auto kUseTuple = net::experimental::as_tuple(net::use_awaitable);
// nchan's answers are a few hundred bytes; anything larger is not an nchan publish answer.
constexpr uint32_t kMaxResponseBodyBytes = 64 * 1024;

// The "subscribers" figure of nchan's JSON publish answer
// ({"messages": 1, "requested": -1, "subscribers": 20, "last_message_id": "..."}); 0 when absent.
uint64_t SubscribersOf(const std::string& body) {
  error_code ec;
  const boost::json::value answer = boost::json::parse(body, ec);
  if (ec || !answer.is_object()) {
    return 0;
  }
  const boost::json::value* subscribers = answer.as_object().if_contains("subscribers");
  return subscribers != nullptr && subscribers->is_int64() && subscribers->as_int64() > 0
             ? static_cast<uint64_t>(subscribers->as_int64())
             : 0;
}

// One run of Send: the shared counter, the tally and the connections' coroutines.
class PublishRun {
 public:
  PublishRun(const NchanAddress& address, const PushLoad::SendOptions& options)
      : endpoint_(net::ip::make_address(address.host), address.port),
        host_(address.host + ":" + std::to_string(address.port)),
        options_(options) {}

  PushLoad::CallStats Run(int connections) {
    start_ = Clock::now();
    for (int i = 0; i < connections; ++i) {
      net::co_spawn(io_, Publisher(), net::detached);
    }
    io_.run();
    stats_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    return std::move(stats_);
  }

 private:
// GCC 12 warns that Asio's coroutine frame is freed by a mismatched operator delete once the
// frame allocation is inlined here: a false positive (GCC PR middle-end/109224; Asio pairs its
// own operator new with a sized operator delete, which is well-formed).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
  net::awaitable<void> Publisher() {
    tcp::socket socket(io_);
    net::steady_timer timer(io_);
    boost::beast::flat_buffer buffer;
    for (uint64_t k = next_++; k < options_.pushes; k = next_++) {
      if (options_.rate > 0) {
        timer.expires_at(start_ + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(k / options_.rate)));
        co_await timer.async_wait(kUseTuple);
      }
      error_code ec;
      if (!socket.is_open()) {
        buffer.clear();
        std::tie(ec) = co_await socket.async_connect(endpoint_, kUseTuple);
        if (!ec) {
          socket.set_option(tcp::no_delay(true), ec);
        }
      }
      http::request<http::string_body> request(http::verb::post,
                                               "/pub/" + options_.group_of(k), 11);
      request.set(http::field::host, host_);
      request.set(http::field::accept, "application/json");
      request.set(http::field::content_type, "text/plain");
      const Clock::time_point started = Clock::now();
      request.body() = BenchPayload(options_.payload_bytes);
      request.prepare_payload();
      http::response_parser<http::string_body> parser;
      parser.body_limit(kMaxResponseBodyBytes);
      if (!ec) {
        std::tie(ec, std::ignore) = co_await http::async_write(socket, request, kUseTuple);
      }
      if (!ec) {
        std::tie(ec, std::ignore) = co_await http::async_read(socket, buffer, parser, kUseTuple);
      }
      const auto micros =
          std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
      stats_.latencies_us.push_back(static_cast<uint32_t>(micros));
      const http::response<http::string_body>& response = parser.get();
      if (!ec && http::to_status_class(response.result()) == http::status_class::successful) {
        ++stats_.ok;
        stats_.queued_connections += SubscribersOf(response.body());
      } else {
        ++stats_.failed;
        if (stats_.first_error.empty()) {
          stats_.first_error = ec ? "publish: " + ec.message()
                                  : "publish answered " + std::to_string(response.result_int()) +
                                        " " + response.body().substr(0, 200);
        }
      }
      if (ec || !response.keep_alive()) {
        socket.close(ec);
      }
    }
    error_code ignored;
    socket.close(ignored);
  }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

  net::io_context io_{1};
  const tcp::endpoint endpoint_;
  const std::string host_;
  const PushLoad::SendOptions& options_;
  Clock::time_point start_;
  uint64_t next_ = 0;  // the io_context's one thread only
  PushLoad::CallStats stats_;
};

}  // namespace

std::optional<NchanAddress> ParseNchanUrl(const std::string& url) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed || parsed->scheme() != "http" || !parsed->has_port() ||
      (parsed->host_type() != boost::urls::host_type::ipv4 &&
       parsed->host_type() != boost::urls::host_type::ipv6) ||
      !(parsed->encoded_path().empty() || parsed->encoded_path() == "/") ||
      parsed->has_query() || parsed->port_number() == 0) {
    return std::nullopt;
  }
  NchanAddress address;
  address.host = parsed->host_type() == boost::urls::host_type::ipv4
                     ? parsed->host_ipv4_address().to_string()
                     : parsed->host_ipv6_address().to_string();
  address.port = parsed->port_number();
  return address;
}

NchanPublishLoad::NchanPublishLoad(NchanAddress address, int connections)
    : address_(std::move(address)), connections_(std::max(1, connections)) {}

PushLoad::CallStats NchanPublishLoad::Send(const PushLoad::SendOptions& options) {
  PublishRun run(address_, options);
  return run.Run(connections_);
}

}  // namespace hubgate::bench
