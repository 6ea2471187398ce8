#pragma once

#include <memory>

#include "gateway/transports/http_transport_session.h"

namespace hubgate::gateway {

// The Long Polling transport of one hub connection, on its owning worker. The first GET
// answers at once (200, empty); each later GET is a poll that this session holds until frames
// are queued (200 application/octet-stream with everything queued), the poll timeout passes
// (200, empty), a newer poll replaces it (204) or the connection ends (204). Between polls the
// connection is kept for the hub's disconnect_timeout. DELETE ends it.
class LongPollingSession final : public HttpTransportSession {
 public:
  LongPollingSession(Worker& worker, GatewayContext& context, Params params);

  // Starts the connection (the first GET, answered by the caller).
  void Start();

  void OnPoll(HttpResponderSharedPtr poll) override;
  void OnDelete() override;

 private:
  // HttpTransportSession
  void OnQueued() override;
  void CloseAfterQueued() override;
  void OnTransportTick(TimePoint now) override;
  void ReleaseTransport() override;
  // ConnectionSession
  void Abort(std::string_view why) override;

  // Answers the pending poll with what is queued; with nothing queued on a closing
  // connection, answers 204 and ends the connection.
  void Flush();
  // The pending poll, released (null if none or if its client went away).
  HttpResponderSharedPtr TakePoll();

  // The pending poll. Weak: a poll whose client went away simply disappears.
  std::weak_ptr<HttpResponder> poll_;
  bool poll_pending_ = false;
  bool flush_scheduled_ = false;
  TimePoint poll_started_;
  TimePoint inactive_since_;  // no poll pending since then
};

}  // namespace hubgate::gateway
