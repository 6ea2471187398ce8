#include "gateway/http/listener.h"

#include "absl/strings/str_cat.h"
#include "gateway/http/http_session.h"
#include "gateway/ops/listen_address.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

Listener::Listener(net::io_context& io_context, GatewayContext& context,
                   const TlsContextProvider* tls)
    : context_(context),
      tls_(tls),
      connect_rate_(static_cast<double>(context.config.limits.connection_rate_per_address),
                    static_cast<double>(context.config.limits.connection_burst_per_address)),
      acceptor_(io_context) {}

absl::StatusOr<std::shared_ptr<Listener>> Listener::Create(const std::string& listen,
                                                           GatewayContext& context,
                                                           const TlsContextProvider* tls) {
  auto endpoint = ParseListenAddress(listen);
  if (!endpoint.ok()) {
    return endpoint.status();
  }
  std::shared_ptr<Listener> listener(
      new Listener(context.workers.at(0).io_context(), context, tls));
  error_code ec;
  auto& acceptor = listener->acceptor_;
  acceptor.open(endpoint->protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(*endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", listen, ": ", ec.message()));
  }
  listener->port_ = acceptor.local_endpoint().port();
  return listener;
}

void Listener::Start() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] { self->DoAccept(); });
}

void Listener::Stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void Listener::DoAccept() {
  Worker& worker = context_.workers.Next();
  acceptor_.async_accept(
      worker.io_context(), [self = shared_from_this(), &worker](error_code ec, tcp::socket socket) {
        if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) {
          return;
        }
        if (ec) {
          // E.g. out of file descriptors: log, and keep accepting after a short pause.
          spdlog::warn("accept failed: {}", ec.message());
          auto timer = std::make_shared<net::steady_timer>(self->acceptor_.get_executor(),
                                                            std::chrono::milliseconds(100));
          timer->async_wait([self, timer](error_code) { self->DoAccept(); });
          return;
        }
        socket.set_option(tcp::no_delay(true), ec);
        // Over TLS, with the certificate current now (a reload affects later connections).
        ClientStream stream = self->tls_ == nullptr
                                  ? ClientStream(std::move(socket))
                                  : ClientStream(std::move(socket), *self->tls_->Current());
        worker.Post([&worker, self, stream = std::move(stream)]() mutable {
          std::make_shared<HttpSession>(std::move(stream), worker, self->context_,
                                        &self->connect_rate_)
              ->Run();
        });
        self->DoAccept();
      });
}

}  // namespace hubgate::gateway
