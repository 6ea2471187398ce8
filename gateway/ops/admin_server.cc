#include "gateway/ops/admin_server.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "gateway/ops/client_stream.h"
#include "gateway/ops/listen_address.h"
#include "gateway/ops/net.h"
#include "gateway/ops/stream_deadline.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

namespace {

constexpr std::chrono::seconds kRequestTimeout{10};
constexpr size_t kMaxRequestHeaderBytes = 8192;

// One admin client connection (over TLS with admin.tls): requests are answered one after
// another (keep-alive).
class AdminConnection : public std::enable_shared_from_this<AdminConnection> {
 public:
  AdminConnection(ClientStream stream, const AdminServer::Handlers& handlers)
      : stream_(std::move(stream)), handlers_(handlers) {}

  void Start() {
    if (!stream_.is_tls()) {
      ReadRequest();
      return;
    }
    deadline_.ExpireAfter(kRequestTimeout, weak_from_this());
    stream_.AsyncHandshake([self = shared_from_this()](error_code ec) {
      if (ec) {
        if (self->handlers_.tls_handshake_failed) self->handlers_.tls_handshake_failed();
        error_code ignored;
        self->stream_.socket().close(ignored);
        return;
      }
      self->ReadRequest();
    });
  }

 private:
  void ReadRequest() {
    parser_.emplace();
    parser_->header_limit(kMaxRequestHeaderBytes);
    parser_->body_limit(0);
    deadline_.ExpireAfter(kRequestTimeout, weak_from_this());
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(error_code ec) {
    if (ec) {
      error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    const auto& request = parser_->get();
    response_ = Answer(request);
    response_.keep_alive(request.keep_alive());
    response_.prepare_payload();
    deadline_.ExpireAfter(kRequestTimeout, weak_from_this());
    http::async_write(stream_, response_, [self = shared_from_this()](error_code ec, size_t) {
      if (!ec && self->response_.keep_alive()) {
        self->ReadRequest();
        return;
      }
      error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  http::response<http::string_body> Answer(const http::request<http::empty_body>& request) {
    http::response<http::string_body> response{http::status::ok, request.version()};
    response.set(http::field::server, "hubgate");
    response.set(http::field::cache_control, "no-store");
    std::string_view target(request.target().data(), request.target().size());
    target = target.substr(0, target.find('?'));
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      response.result(http::status::method_not_allowed);
      response.set(http::field::allow, "GET, HEAD");
      response.body() = "method not allowed\n";
    } else if (target == "/metrics") {
      response.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
      response.body() = handlers_.render_metrics();
    } else if (target == "/healthz") {
      response.set(http::field::content_type, "text/plain");
      response.body() = "ok\n";
    } else if (target == "/readyz") {
      response.set(http::field::content_type, "text/plain");
      if (handlers_.is_ready()) {
        response.body() = "ready\n";
      } else {
        response.result(http::status::service_unavailable);
        response.body() = "not ready\n";
      }
      if (handlers_.ready_detail) {
        response.body() += handlers_.ready_detail();
      }
    } else {
      response.result(http::status::not_found);
      response.set(http::field::content_type, "text/plain");
      response.body() = "not found: try /metrics, /healthz or /readyz\n";
    }
    if (request.method() == http::verb::head) {
      const size_t length = response.body().size();
      response.body().clear();
      response.content_length(length);
    }
    return response;
  }

  ClientStream stream_;
  StreamDeadline deadline_{stream_};
  const AdminServer::Handlers& handlers_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::empty_body>> parser_;
  http::response<http::string_body> response_;
};

}  // namespace

struct AdminServer::Impl {
  explicit Impl(Handlers handlers_in) : handlers(std::move(handlers_in)), acceptor(io_context) {}

  void DoAccept() {
    acceptor.async_accept([this](error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor.is_open()) {
        return;
      }
      if (!ec) {
        ClientStream stream = handlers.tls == nullptr
                                  ? ClientStream(std::move(socket))
                                  : ClientStream(std::move(socket), *handlers.tls->Current());
        std::make_shared<AdminConnection>(std::move(stream), handlers)->Start();
      }
      DoAccept();
    });
  }

  Handlers handlers;
  net::io_context io_context;
  tcp::acceptor acceptor;
  std::thread thread;
  int port = 0;
};

AdminServer::AdminServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AdminServer::~AdminServer() {
  impl_->io_context.stop();
  if (impl_->thread.joinable()) {
    impl_->thread.join();
  }
}

int AdminServer::port() const { return impl_->port; }

absl::StatusOr<std::unique_ptr<AdminServer>> AdminServer::Start(const std::string& listen,
                                                                 Handlers handlers) {
  auto endpoint = ParseListenAddress(listen);
  if (!endpoint.ok()) {
    return endpoint.status();
  }
  auto impl = std::make_unique<Impl>(std::move(handlers));
  error_code ec;
  impl->acceptor.open(endpoint->protocol(), ec);
  if (!ec) impl->acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(*endpoint, ec);
  if (!ec) impl->acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen, " (admin): ", ec.message()));
  }
  impl->port = impl->acceptor.local_endpoint().port();
  impl->DoAccept();
  impl->thread = std::thread([raw = impl.get()] { raw->io_context.run(); });
  spdlog::info("admin endpoint (/metrics, /healthz, /readyz) listening on port {}", impl->port);
  return std::unique_ptr<AdminServer>(new AdminServer(std::move(impl)));
}

}  // namespace hubgate::gateway
