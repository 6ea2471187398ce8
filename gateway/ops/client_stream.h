#pragma once

#include <memory>
#include <utility>

#include <boost/asio/ssl.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "absl/status/statusor.h"
#include "gateway/ops/net.h"

namespace hubgate::gateway {

// The byte stream of one client connection: a TCP socket, or TLS over it (http.tls,
// admin.tls). Sessions are written once against this type (Beast's websocket::stream and
// http::async_read/async_write take it as their stream); a plaintext connection pays one
// branch per operation and a pointer. TLS streams are Asio's ssl::stream, each holding a
// reference to the TLS context it was accepted with.
//
// A connection hops between workers (its socket is re-registered on the owner's event loop,
// see MoveStreamTo): Detach() gives up the descriptor and, for TLS, the OpenSSL connection
// object, and Attach() rebuilds the stream on another io_context around them.
class ClientStream {
 public:
  using executor_type = tcp::socket::executor_type;
  using TlsStream = net::ssl::stream<tcp::socket>;

  explicit ClientStream(tcp::socket socket) : socket_(std::move(socket)) {}
  // TLS: the server handshake (AsyncHandshake) comes first.
  ClientStream(tcp::socket socket, net::ssl::context& tls)
      : socket_(socket.get_executor()),
        tls_(std::make_unique<TlsStream>(std::move(socket), tls)) {}
  ClientStream(ClientStream&&) = default;
  ClientStream& operator=(ClientStream&&) = default;

  executor_type get_executor() { return socket_.get_executor(); }
  bool is_tls() const { return tls_ != nullptr; }
  // The TCP socket underneath: endpoints, options, cancel, shutdown and close.
  tcp::socket& socket() { return tls_ ? tls_->next_layer() : socket_; }
  const tcp::socket& socket() const { return tls_ ? tls_->next_layer() : socket_; }

  template <class MutableBuffers, class Handler>
  void async_read_some(const MutableBuffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_read_some(buffers, std::forward<Handler>(handler));
    } else {
      socket_.async_read_some(buffers, std::forward<Handler>(handler));
    }
  }
  template <class ConstBuffers, class Handler>
  void async_write_some(const ConstBuffers& buffers, Handler&& handler) {
    if (tls_) {
      tls_->async_write_some(buffers, std::forward<Handler>(handler));
    } else {
      socket_.async_write_some(buffers, std::forward<Handler>(handler));
    }
  }
  // TLS only: the server side of the handshake.
  template <class Handler>
  void AsyncHandshake(Handler&& handler) {
    tls_->async_handshake(net::ssl::stream_base::server, std::forward<Handler>(handler));
  }

  // What Detach() hands to Attach(): the descriptor, and for TLS the connection's SSL object
  // (one reference, owned).
  struct Detached {
    tcp protocol = tcp::v4();
    tcp::socket::native_handle_type descriptor = -1;
    SSL* tls = nullptr;
  };
  // Fails, leaving the stream as it was, when it cannot be moved: the socket cannot be
  // released, or TLS holds bytes read ahead of the request (a client that pipelined data
  // after it), which only this stream's buffers hold.
  absl::StatusOr<Detached> Detach();
  static ClientStream Attach(net::io_context& io_context, Detached detached);

  // Beast's websocket::stream closes and tears its next layer down through these (found by
  // argument-dependent lookup). TLS sends close_notify first.
  friend void beast_close_socket(ClientStream& stream) {
    error_code ignored;
    stream.socket().close(ignored);
  }
  friend void teardown(beast::role_type role, ClientStream& stream, error_code& ec) {
    if (stream.tls_) {
      beast::teardown(role, *stream.tls_, ec);
    } else {
      websocket::teardown(role, stream.socket_, ec);
    }
  }
  template <class Handler>
  friend void async_teardown(beast::role_type role, ClientStream& stream, Handler&& handler) {
    if (stream.tls_) {
      beast::async_teardown(role, *stream.tls_, std::forward<Handler>(handler));
    } else {
      websocket::async_teardown(role, stream.socket_, std::forward<Handler>(handler));
    }
  }

 private:
  tcp::socket socket_;  // the connection, or (TLS) an unopened socket giving the executor
  std::unique_ptr<TlsStream> tls_;
};

}  // namespace hubgate::gateway
