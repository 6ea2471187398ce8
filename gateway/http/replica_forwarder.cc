#include "gateway/http/replica_forwarder.h"

#include <sstream>
#include <utility>

#include <spdlog/spdlog.h>

#include "absl/strings/str_cat.h"
#include "gateway/ops/listen_address.h"

namespace hubgate::gateway {

namespace {
constexpr std::chrono::seconds kConnectTimeout{5};
}  // namespace

void ReplicaForwarder::Start(ClientStream client, std::string address, Request request) {
  std::make_shared<ReplicaForwarder>(std::move(client), std::move(address), std::move(request))
      ->Connect();
}

ReplicaForwarder::ReplicaForwarder(ClientStream client, std::string address, Request request)
    : client_(std::move(client)),
      upstream_(client_.get_executor()),
      resolver_(client_.get_executor()),
      connect_timer_(client_.get_executor()),
      address_(std::move(address)),
      request_(std::move(request)) {}

void ReplicaForwarder::Connect() {
  absl::StatusOr<ListenAddress> parsed = SplitListenAddress(address_);
  if (!parsed.ok()) {
    FailUpstream("bad advertise address");
    return;
  }
  connect_timer_.expires_after(kConnectTimeout);
  connect_timer_.async_wait([self = shared_from_this()](error_code ec) {
    if (!ec) {
      self->resolver_.cancel();
      error_code ignored;
      self->upstream_.cancel(ignored);
    }
  });
  resolver_.async_resolve(
      parsed->host, std::to_string(parsed->port),
      [self = shared_from_this()](error_code ec, tcp::resolver::results_type results) {
        if (ec) {
          self->FailUpstream(ec.message());
          return;
        }
        net::async_connect(self->upstream_, results,
                           [self](error_code ec, const tcp::endpoint&) {
                             self->connect_timer_.cancel();
                             if (ec) {
                               self->FailUpstream(ec.message());
                               return;
                             }
                             self->OnConnected();
                           });
      });
}

void ReplicaForwarder::OnConnected() {
  error_code ignored;
  upstream_.set_option(tcp::no_delay(true), ignored);
  if (!websocket::is_upgrade(request_)) {
    request_.keep_alive(false);  // the holder's answer ends the exchange
  }
  request_.prepare_payload();
  std::ostringstream out;
  out << request_;
  request_bytes_ = std::move(out).str();
  net::async_write(upstream_, net::buffer(request_bytes_),
                   [self = shared_from_this()](error_code ec, size_t) {
                     if (ec) {
                       self->FailUpstream(ec.message());
                       return;
                     }
                     self->PumpUpstreamToClient();
                     self->PumpClientToUpstream();
                   });
}

void ReplicaForwarder::FailUpstream(std::string_view why) {
  spdlog::warn("backplane: cannot forward {} to the replica at {}: {}",
               std::string(request_.target()), address_, std::string(why));
  constexpr absl::string_view kBody = "The replica holding the connection is unreachable.";
  failure_response_ = absl::StrCat(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: ",
      kBody.size(), "\r\nConnection: close\r\n\r\n", kBody);
  net::async_write(client_, net::buffer(failure_response_),
                   [self = shared_from_this()](error_code, size_t) {
                     error_code ignored;
                     self->client_.socket().shutdown(tcp::socket::shutdown_both, ignored);
                     self->client_.socket().close(ignored);
                   });
}

void ReplicaForwarder::PumpClientToUpstream() {
  client_.async_read_some(
      net::buffer(to_upstream_),
      [self = shared_from_this()](error_code ec, size_t bytes) {
        if (ec) {
          self->End();
          return;
        }
        net::async_write(self->upstream_, net::buffer(self->to_upstream_.data(), bytes),
                         [self](error_code ec, size_t) {
                           if (ec) {
                             self->End();
                             return;
                           }
                           self->PumpClientToUpstream();
                         });
      });
}

void ReplicaForwarder::PumpUpstreamToClient() {
  upstream_.async_read_some(
      net::buffer(to_client_),
      [self = shared_from_this()](error_code ec, size_t bytes) {
        if (ec) {
          self->End();
          return;
        }
        net::async_write(self->client_, net::buffer(self->to_client_.data(), bytes),
                         [self](error_code ec, size_t) {
                           if (ec) {
                             self->End();
                             return;
                           }
                           self->PumpUpstreamToClient();
                         });
      });
}

// Either side ending ends the exchange: the holder closes after its answer (or when the
// bridged connection ends), and a client that goes away has nothing more to receive.
void ReplicaForwarder::End() {
  if (ended_) {
    return;
  }
  ended_ = true;
  error_code ignored;
  upstream_.shutdown(tcp::socket::shutdown_both, ignored);
  upstream_.close(ignored);
  client_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  client_.socket().close(ignored);
}

}  // namespace hubgate::gateway
