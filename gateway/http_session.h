#pragma once

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "boost/url/url_view.hpp"
#include "gateway/gateway_context.h"
#include "gateway/net.h"
#include "gateway/worker.h"

namespace hubgate::gateway {

// One accepted TCP connection speaking HTTP/1.1: negotiate, the WebSocket upgrade of a hub
// path, and static files. Hands the socket to a WebSocketSession on upgrade (moving it to the
// worker that owns the negotiated connection when that is another worker).
class HttpSession final : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, Worker& worker, GatewayContext& context);

  void Run();

 private:
  using Request = http::request<http::string_body>;
  using Response = http::response<http::string_body>;

  void DoRead();
  void OnRead(error_code ec, size_t bytes);
  void Route(Request request);
  void HandleNegotiate(const Request& request, const hubcore::HubOptions& hub,
                       const boost::urls::url_view& url);
  void HandleWebSocket(Request request, const hubcore::HubOptions& hub,
                       const boost::urls::url_view& url);
  void HandleStatic(const Request& request, const std::string& path);
  // nullopt: the caller may go on (with the principal if one was presented); otherwise the
  // status to answer with.
  absl::StatusOr<std::optional<Principal>> Authenticate(const Request& request,
                                                        const hubcore::HubOptions& hub,
                                                        const boost::urls::url_view& url);
  void SendText(const Request& request, http::status status, std::string body,
                std::string content_type = "text/plain; charset=utf-8");
  void Send(Response response);
  void OnWrite(bool keep_alive, error_code ec, size_t bytes);
  void Close();

  beast::tcp_stream stream_;
  Worker& worker_;
  GatewayContext& context_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<void> response_;  // keeps the response alive during the write
};

}  // namespace hubgate::gateway
