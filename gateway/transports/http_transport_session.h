#pragma once

#include <chrono>
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/runtime/gateway_context.h"
#include "gateway/runtime/worker.h"
#include "gateway/transports/connection_session.h"
#include "gateway/transports/http_responder.h"
#include "hubcore/hub_connection.h"

namespace hubgate::gateway {

// What the Server-Sent Events and Long Polling transports share, beyond ConnectionSession: a
// hub connection whose client sends by POST ?id=TOKEN and whose requests are all served on the
// owning worker. The HttpSession that received a request moves its socket to that worker first
// (see docs/transports.md), so everything here runs on one thread. The session owns itself from
// Open() to Teardown(): between requests (Long Polling) nothing else holds it.
class HttpTransportSession : public ConnectionSession {
 public:
  struct Params {
    const hubcore::HubOptions* hub = nullptr;
    hubcore::HubBackend* backend = nullptr;  // null: the hub has no methods
    hubcore::CallContext context;
    std::string token;  // registry key, removed when the connection ends
    // Headers the front door decided the transport's own responses carry (CORS).
    std::vector<std::pair<std::string, std::string>> response_headers;
  };

  HttpTransportSession(Worker& worker, GatewayContext& context, Params params,
                       TransportKind transport);
  ~HttpTransportSession() override;

  // POST ?id=: the body holds one or more framed messages. Answers 200 on `request` once the
  // hub has taken the bytes (held while the hub paused reading: upload back-pressure).
  void OnSend(std::string body, HttpResponderSharedPtr request);
  // GET ?id= of a Long Polling connection after the first one.
  virtual void OnPoll(HttpResponderSharedPtr poll);
  // DELETE ?id= of a Long Polling connection.
  virtual void OnDelete() {}
  // Whether a request of `user_id` may act on this connection: only its own user's may (.NET's
  // dispatcher answers others 403), as anonymous requests only on an anonymous connection.
  bool BelongsTo(std::string_view user_id) const { return user_id == this->user_id(); }

  // hubcore::HubConnectionHost
  bool Write(hubcore::FrameConstSharedPtr frame, bool bounded) override;
  void PauseReading() override;
  void ResumeReading() override;

  // TickedSession
  void OnTick(std::chrono::steady_clock::time_point now) override;

 protected:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Called once the session is set up: it owns itself, is ticked and may be drained from now on.
  void Open();
  // Frames were added to queue_.
  virtual void OnQueued() = 0;
  // The hub asked to close: send what is queued, then end the transport.
  virtual void CloseAfterQueued() = 0;
  // Transport-specific timers, before the hub's own tick.
  virtual void OnTransportTick(TimePoint now) = 0;
  // Teardown is ending the connection: release the socket or the pending request.
  virtual void ReleaseTransport() {}
  // Queued frames went out (or were dropped): releases their bytes, and reads a send that waited
  // for the queue to drain.
  void ReleaseSent(size_t bytes);

  const std::vector<std::pair<std::string, std::string>>& response_headers() const {
    return response_headers_;
  }

  std::deque<hubcore::FrameConstSharedPtr> queue_;
  // Long Polling has inherent keep-alive (.NET: HasInherentKeepAlive): the hub's pings are not
  // sent, as the JS client neither expects nor sends any on that transport.
  bool drop_pings_ = false;

 private:
  // ConnectionSession
  void OnCloseRequested() final;
  void OnTeardown() final;

  // Hands a POST's body to the hub and answers it (or holds the answer while the hub paused).
  void Read(std::string body, HttpResponderSharedPtr request);
  // Answers the sends still waiting: the connection is ending.
  void ReleaseSends();

  std::vector<std::pair<std::string, std::string>> response_headers_;
  bool read_paused_ = false;
  // A POST answered once the hub resumes reading.
  HttpResponderSharedPtr held_send_;
  // A POST not read yet: the replies the client has not fetched passed twice max_queued_bytes
  // (a client that sends without reading). Read once the queue is back within the bound, as a
  // WebSocketSession stops and resumes reading its socket.
  HttpResponderSharedPtr unread_send_;
  std::string unread_body_;
};

}  // namespace hubgate::gateway
