#include "examples/common/http_server.h"

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "boost/asio.hpp"
#include "boost/beast/core.hpp"
#include "boost/beast/http.hpp"
#include "boost/json.hpp"
#include "spdlog/spdlog.h"

namespace hubgate::examples {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kBodyLimit = 64 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(30);

HttpRequest ToHttpRequest(const http::request<http::string_body>& request) {
  HttpRequest out;
  out.method = std::string(request.method_string());
  const std::string target(request.target());
  out.path = target.substr(0, target.find('?'));
  for (const auto& segment : absl::StrSplit(out.path, '/', absl::SkipEmpty())) {
    out.segments.emplace_back(segment);
  }
  out.body = request.body();
  return out;
}

// One TCP connection: read a request, call the handler, write the answer, repeat.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const HttpServer::Handler& handler)
      : stream_(std::move(socket)), handler_(handler) {}

  void Read() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(kIdleTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       self->OnRead(ec);
                     });
  }

 private:
  void OnRead(beast::error_code ec) {
    if (ec) {
      Close();  // end of stream, timeout or a malformed request
      return;
    }
    const http::request<http::string_body> request = parser_->release();
    HttpResponse answer;
    try {
      answer = handler_(ToHttpRequest(request));
    } catch (const std::exception& e) {
      spdlog::error("http handler failed: {}", e.what());
      answer = ErrorResponse(500, "internal error");
    }
    response_ = {};
    response_.result(answer.status);
    response_.version(request.version());
    response_.set(http::field::content_type, "application/json");
    response_.keep_alive(request.keep_alive());
    response_.body() = std::move(answer.body);
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec || !self->response_.keep_alive()) {
                          self->Close();
                        } else {
                          self->Read();
                        }
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  const HttpServer::Handler& handler_;
};

}  // namespace

struct HttpServer::Impl {
  explicit Impl(Handler h) : handler(std::move(h)) {}

  void Accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec != asio::error::operation_aborted) {
          spdlog::warn("http accept: {}", ec.message());
          Accept();
        }
        return;
      }
      std::make_shared<Session>(std::move(socket), handler)->Read();
      Accept();
    });
  }

  Handler handler;
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;
};

HttpResponse JsonResponse(unsigned status, const boost::json::value& body) {
  return HttpResponse{status, boost::json::serialize(body)};
}

HttpResponse ErrorResponse(unsigned status, const std::string& message) {
  return JsonResponse(status, boost::json::object{{"error", message}});
}

std::optional<std::vector<std::string>> MatchPath(const HttpRequest& request,
                                                  const std::string& pattern) {
  const std::vector<std::string> expected = absl::StrSplit(pattern, '/', absl::SkipEmpty());
  if (expected.size() != request.segments.size()) {
    return std::nullopt;
  }
  std::vector<std::string> parameters;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (expected[i] == "*") {
      parameters.push_back(request.segments[i]);
    } else if (expected[i] != request.segments[i]) {
      return std::nullopt;
    }
  }
  return parameters;
}

absl::StatusOr<boost::json::object> ParseJsonBody(const HttpRequest& request) {
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return boost::json::object();
  }
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(request.body, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat("body is not valid JSON: ", ec.message()));
  }
  if (!body.is_object()) {
    return absl::InvalidArgumentError("body must be a JSON object");
  }
  return std::move(body.get_object());
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const std::string& listen,
                                                              Handler handler) {
  auto impl = std::make_unique<Impl>(std::move(handler));
  const std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("http: expected host:port, got '", listen, "'"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 1 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);  // [::1]:8090
  }
  beast::error_code ec;
  tcp::resolver resolver(impl->ioc);
  const auto endpoints = resolver.resolve(host, listen.substr(colon + 1), ec);
  if (!ec && endpoints.empty()) {
    ec = asio::error::host_not_found;
  }
  if (!ec) {
    const tcp::endpoint endpoint = endpoints.begin()->endpoint();
    impl->acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
      impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
      impl->acceptor.bind(endpoint, ec);
    }
    if (!ec) {
      impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("http: cannot listen on '", listen, "': ", ec.message()));
  }
  impl->Accept();
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] { raw->ioc.run(); });
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  impl_->ioc.stop();
  if (impl_->thread.joinable()) {
    impl_->thread.join();
  }
}

int HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

}  // namespace hubgate::examples
