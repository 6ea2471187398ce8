#include "gateway/ops/client_stream.h"

#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include "hubcore/check.h"

namespace hubgate::gateway {

absl::StatusOr<ClientStream::Detached> ClientStream::Detach() {
  Detached detached;
  error_code ec;
  detached.protocol = socket().local_endpoint(ec).protocol();
  if (ec) {
    return absl::UnavailableError(ec.message());
  }
  if (tls_) {
    SSL* ssl = tls_->native_handle();
    // Bytes decrypted but not yet read, or received and not yet decrypted, live in this
    // stream's engine: a new engine would lose them. Clients wait for the answer to the
    // request that moves the connection, so this happens only to one that pipelined.
    if (SSL_pending(ssl) > 0 || BIO_pending(SSL_get_rbio(ssl)) > 0) {
      return absl::FailedPreconditionError("TLS data was read ahead of the request");
    }
  }
  detached.descriptor = socket().release(ec);
  if (ec) {
    return absl::UnavailableError(ec.message());
  }
  if (tls_) {
    // Keep the SSL object (its keys and sequence numbers) past the engine that frees it.
    detached.tls = tls_->native_handle();
    HUBGATE_CHECK(SSL_up_ref(detached.tls) == 1, "SSL_up_ref cannot fail");
    tls_.reset();
  }
  return detached;
}

ClientStream ClientStream::Attach(net::io_context& io_context, Detached detached) {
  tcp::socket socket(io_context);
  error_code ec;
  socket.assign(detached.protocol, detached.descriptor, ec);
  if (ec) {
    ::close(detached.descriptor);  // the socket stays unopened: the session sees it closed
  }
  if (detached.tls == nullptr) {
    return ClientStream(std::move(socket));
  }
  ClientStream stream{tcp::socket(io_context)};
  // Asio's stream adopts the SSL object (and frees it in the end) and gives it new BIOs.
  stream.tls_ = std::make_unique<TlsStream>(std::move(socket), detached.tls);
  return stream;
}

}  // namespace hubgate::gateway
