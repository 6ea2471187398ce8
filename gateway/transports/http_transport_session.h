#pragma once

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/runtime/gateway_context.h"
#include "gateway/ops/metrics.h"
#include "gateway/runtime/worker.h"
#include "gateway/transports/http_responder.h"
#include "hubcore/hub_connection.h"

namespace hubgate::gateway {

// What the Server-Sent Events and Long Polling transports share: a hub connection whose
// client sends by POST ?id=TOKEN and whose requests are all served on the owning worker. The
// HttpSession that received a request moves its socket to that worker first (see
// docs/transports.md), so everything here runs on one thread. The send queue is bounded by
// the hub's max_queued_bytes, as WebSocketSession's.
class HttpTransportSession : public std::enable_shared_from_this<HttpTransportSession>,
                             public hubcore::HubConnectionHost,
                             public TickedSession {
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
                       std::string_view transport_label);
  ~HttpTransportSession() override;

  // POST ?id=: the body holds one or more framed messages. Answers 200 on `request` once the
  // hub has taken the bytes (held while the hub paused reading: upload back-pressure).
  void OnSend(std::string body, HttpResponderSharedPtr request);
  // GET ?id= of a Long Polling connection after the first one.
  virtual void OnPoll(HttpResponderSharedPtr poll);
  // DELETE ?id= of a Long Polling connection.
  virtual void OnDelete() {}

  // hubcore::HubConnectionHost
  bool Write(hubcore::FrameConstSharedPtr frame, bool bounded) override;
  void CloseTransport() override;
  void OnHandshakeCompleted() override;
  hubcore::ConnectionExecutorSharedPtr Executor() override;
  void PauseReading() override;
  void ResumeReading() override;

  // TickedSession
  void OnTick(std::chrono::steady_clock::time_point now) override;
  void CloseForShutdown() override;
  void AbortForShutdown() override;

 protected:
  using TimePoint = std::chrono::steady_clock::time_point;

  // Called once the session is set up: it is ticked and may be drained from now on.
  void Register();
  // Frames were added to queue_.
  virtual void OnQueued() = 0;
  // The hub asked to close: send what is queued, then end the transport.
  virtual void OnCloseRequested() = 0;
  // Transport-specific timers, before the hub's own tick.
  virtual void OnTransportTick(TimePoint now) = 0;
  // Drops the transport now (shutdown deadline); must end in Teardown.
  virtual void Abort(std::string_view why) = 0;
  // Teardown is ending the connection: release transport resources.
  virtual void OnTeardown() {}
  // Ends the connection: tells the hub, unroutes, forgets the token, counts it.
  void Teardown(std::string_view reason);
  // Counts frames that went out.
  void CountSent(size_t frames, size_t bytes);

  const std::string& connection_id() const { return params_.context.connection_id; }
  const Params& params() const { return params_; }

  Worker& worker_;
  GatewayContext& context_;
  Params params_;
  hubcore::HubConnection hub_;
  std::deque<hubcore::FrameConstSharedPtr> queue_;
  size_t queued_bytes_ = 0;
  bool close_requested_ = false;
  bool torn_down_ = false;
  // Long Polling has inherent keep-alive (.NET: HasInherentKeepAlive): the hub's pings are not
  // sent, as the JS client neither expects nor sends any on that transport.
  bool drop_pings_ = false;

 private:
  void Unroute();

  std::string_view transport_label_;
  Metrics::Traffic* traffic_;
  bool registered_ = false;
  bool routed_ = false;
  bool counted_open_ = false;
  bool read_paused_ = false;
  // A POST answered once the hub resumes reading.
  HttpResponderSharedPtr held_send_;
  hubcore::ConnectionExecutorSharedPtr executor_;
  // The session owns itself from Register() to Teardown(): between requests (Long Polling)
  // nothing else holds it. The registry and the worker only keep weak or raw pointers.
  std::shared_ptr<HttpTransportSession> self_;
};

}  // namespace hubgate::gateway
