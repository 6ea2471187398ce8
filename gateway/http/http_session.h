#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "boost/url/url_view.hpp"
#include "gateway/http/http_response.h"
#include "gateway/ops/client_stream.h"
#include "gateway/ops/stream_deadline.h"
#include "gateway/ops/net.h"
#include "gateway/runtime/gateway_context.h"
#include "gateway/runtime/worker.h"
#include "gateway/transports/http_responder.h"
#include "hubcore/frame.h"

namespace hubgate::gateway {

class ClientRateLimiter;

// One accepted connection speaking HTTP/1.1, over TCP or TLS (after the handshake, which Run
// begins with): reads requests (within RequestLimits), hands
// each to the handler RequestRouter picks, writes the answers (keep-alive), and watches the
// socket while a long poll is held. A request for a connection owned by another worker moves
// the socket to that worker first (a WebSocket or SSE stream stays there; a keep-alive
// connection goes on serving requests there). Long Polling sessions answer their polls through
// Respond/RespondWithFrames. Everything runs on the session's worker.
class HttpSession final : public std::enable_shared_from_this<HttpSession>,
                          public HttpResponder {
 public:
  using Request = http::request<http::string_body>;

  // connect_rate (may be null: no limit) limits negotiations and WebSocket connects per address.
  HttpSession(ClientStream stream, Worker& worker, GatewayContext& context,
              ClientRateLimiter* connect_rate = nullptr);

  void Run();

  // HttpResponder, for transport sessions, on this session's worker.
  void Respond(http::status status, std::string body = "") override;
  void RespondWithFrames(std::vector<hubcore::FrameConstSharedPtr> frames) override;
  void HoldForPoll() override;

  // For the request handlers, on this session's worker.
  Worker& worker() { return worker_; }
  GatewayContext& context() { return context_; }
  // The client's IP address, as text (empty when unknown); the "address" of the limits: the
  // socket peer's, or behind a trusted proxy the one its X-Forwarded-For names (BeginRequest).
  const std::string& client_address() const { return client_address_; }
  // Notes what the answer to `request` depends on (HTTP version, keep-alive, CORS origin).
  void BeginRequest(const Request& request);
  // Of the request being served.
  const RequestTraits& traits() const { return traits_; }
  // Answers the request being served; the connection then serves the next request.
  void Answer(TextAnswer answer);
  // A transport takes the connection over (WebSocket, Server-Sent Events): this session ends.
  ClientStream TakeStream();
  // Moves the connection (and any bytes read ahead) to `owner`, where `then` continues with a
  // new HttpSession.
  void HandOff(Worker& owner, absl::AnyInvocable<void(HttpSession&) &&> then);

 private:
  void OnHandshake(error_code ec);
  void DoRead();
  void OnReadHeader(error_code ec, size_t bytes);
  void OnRead(error_code ec, size_t bytes);
  void Dispatch(Request request);
  // False (after answering 429) when the client address has used its connection attempts.
  bool AllowConnectAttempt();
  // In a cluster: a token this replica does not know is located first (and the request
  // forwarded to its holder, or dispatched again once admitted here). True: taken over.
  bool LocateInCluster(Request& request, const hubcore::HubOptions& hub,
                       const boost::urls::url_view& url);
  void AnswerPreflight(const Request& request);
  void Send(HttpResponse::Full response);
  void OnWrite(bool keep_alive, error_code ec, size_t bytes);
  void WatchRead();
  void OnWatchRead(error_code ec, size_t bytes);
  void Close();
  const hubcore::HubOptions* FindHub(std::string_view path) const {
    return context_.FindHubByPath(path);
  }

  ClientStream stream_;
  StreamDeadline deadline_{stream_};  // for the request being read or the answer being written
  std::string peer_address_;
  std::string client_address_;
  Worker& worker_;
  GatewayContext& context_;
  ClientRateLimiter* connect_rate_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<void> response_;  // keeps the response alive during the write
  RequestTraits traits_;            // of the request being served
  // Long polls: a response is owed to a LongPollingSession's poll.
  bool holding_poll_ = false;
  bool watching_ = false;  // a WatchRead is pending
  bool located_ = false;   // the request being dispatched was located in the cluster
  bool writing_ = false;
  std::vector<hubcore::FrameConstSharedPtr> frames_;  // the poll response being written
  std::vector<net::const_buffer> write_buffers_;
  std::string head_;
};

}  // namespace hubgate::gateway
