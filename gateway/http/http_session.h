#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "boost/url/url_view.hpp"
#include "gateway/runtime/gateway_context.h"
#include "gateway/ops/net.h"
#include "gateway/runtime/worker.h"
#include "gateway/transports/http_responder.h"
#include "hubcore/frame.h"

namespace hubgate::gateway {

// One accepted TCP connection speaking HTTP/1.1: negotiate, the hub path (WebSocket upgrade,
// Server-Sent Events, Long Polling polls, sends and DELETE), CORS preflights and static files.
// A request for a connection owned by another worker moves the socket to that worker first
// (a WebSocket or SSE stream stays there; a keep-alive connection goes on serving requests
// there). Long Polling sessions answer their polls through Respond/RespondWithFrames.
class HttpSession final : public std::enable_shared_from_this<HttpSession>,
                          public HttpResponder {
 public:
  HttpSession(tcp::socket socket, Worker& worker, GatewayContext& context);

  void Run();

  // HttpResponder, for transport sessions, on this session's worker.
  void Respond(http::status status, std::string body = "") override;
  void RespondWithFrames(std::vector<hubcore::FrameConstSharedPtr> frames) override;
  void HoldForPoll() override;

 private:
  using Request = http::request<http::string_body>;
  using Response = http::response<http::string_body>;

  void DoRead();
  void OnReadHeader(error_code ec, size_t bytes);
  void OnRead(error_code ec, size_t bytes);
  // Notes what the answer to `request` depends on (HTTP version, keep-alive, CORS origin).
  void BeginRequest(const Request& request);
  void Route(Request request);
  void HandlePreflight(const Request& request);
  void HandleNegotiate(const Request& request, const hubcore::HubOptions& hub,
                       const boost::urls::url_view& url);
  // A stateful-reconnect client's new WebSocket for its connection: handed to the session on
  // the owning worker.
  void ResumeWebSocket(Request request, const ConnectionRegistry::Entry& entry,
                       std::string user_id);
  void HandleWebSocket(Request request, const hubcore::HubOptions& hub,
                       const boost::urls::url_view& url);
  // SSE, Long Polling, sends and DELETE (requests with ?id=), on any worker.
  void HandleTransportRequest(Request request, const hubcore::HubOptions& hub,
                              const boost::urls::url_view& url);
  // The same, on the worker owning the connection.
  void ServeTransportRequest(Request request, const hubcore::HubOptions& hub,
                             std::optional<Principal> principal);
  void StartServerSentEvents(const Request& request, const hubcore::HubOptions& hub,
                             const boost::urls::url_view& url, std::optional<Principal> principal,
                             const std::string& token, const std::string& connection_id);
  void StartLongPolling(const Request& request, const hubcore::HubOptions& hub,
                        const boost::urls::url_view& url, std::optional<Principal> principal,
                        const std::string& token, const std::string& connection_id);
  // Moves the socket (and any bytes read ahead) to `owner`, where `then` continues with a new
  // HttpSession.
  void HandOff(Worker& owner, absl::AnyInvocable<void(HttpSession&) &&> then);
  void HandleStatic(const Request& request, const std::string& path);
  // nullopt: the caller may go on (with the principal if one was presented); otherwise the
  // status to answer with.
  absl::StatusOr<std::optional<Principal>> Authenticate(const Request& request,
                                                        const hubcore::HubOptions& hub,
                                                        const boost::urls::url_view& url);
  hubcore::CallContext BuildCallContext(const Request& request, const hubcore::HubOptions& hub,
                                        const boost::urls::url_view& url,
                                        std::optional<Principal> principal,
                                        std::string_view transport);
  void SendText(const Request& request, http::status status, std::string body,
                std::string content_type = "text/plain; charset=utf-8");
  void Send(Response response);
  void AddCorsHeaders(http::fields& fields) const;
  void OnWrite(bool keep_alive, error_code ec, size_t bytes);
  void WatchRead();
  void OnWatchRead(error_code ec, size_t bytes);
  void Close();

  beast::tcp_stream stream_;
  Worker& worker_;
  GatewayContext& context_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<void> response_;  // keeps the response alive during the write
  // Of the request being served:
  unsigned version_ = 11;
  bool keep_alive_ = true;
  std::string cors_origin_;  // Access-Control-Allow-Origin to send; empty: none
  // Long polls: a response is owed to a LongPollingSession's poll.
  bool holding_poll_ = false;
  bool watching_ = false;  // a WatchRead is pending
  bool writing_ = false;
  std::vector<hubcore::FrameConstSharedPtr> frames_;  // the poll response being written
  std::vector<net::const_buffer> write_buffers_;
  std::string head_;
};

}  // namespace hubgate::gateway
