#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gateway/ops/client_stream.h"
#include "gateway/ops/net.h"
#include "gateway/runtime/gateway_context.h"
#include "gateway/runtime/worker.h"
#include "gateway/transports/connection_session.h"
#include "hubcore/hub_connection.h"

namespace hubgate::gateway {

// The WebSocket transport of one hub connection; what every transport shares (routing, teardown,
// the queue bound, drain) is ConnectionSession's. Lives on one worker; everything here runs on
// that worker's thread. Outgoing frames wait in a queue bounded in bytes; one write is in flight
// at a time and carries everything queued (a gather write of shared, immutable frames).
//
// Hot path and memory (docs/performance.md): the stream sits directly on the socket (no
// beast::tcp_stream timers; the send timeout is counted in worker ticks), the queue and the
// in-flight batch are two vectors that swap (no allocation per write once warm), the gather
// write passes a view of the buffer list (Beast copies buffer sequences into its operation), and
// an idle connection holds only a small read buffer.
class WebSocketSession final : public ConnectionSession {
 public:
  struct Params {
    const hubcore::HubOptions* hub = nullptr;
    hubcore::HubBackend* backend = nullptr;  // null: the hub has no methods
    hubcore::CallContext context;
    std::string token;  // registry key, removed when the connection ends
    bool stateful = false;  // the negotiate agreed on stateful reconnect
  };

  WebSocketSession(ClientStream stream, Worker& worker, GatewayContext& context, Params params);
  ~WebSocketSession() override;

  // Completes the WebSocket upgrade for `request` and starts the connection.
  void Run(http::request<http::string_body> request);
  // Stateful reconnect, step 1: whether a new WebSocket of `user_id` (the caller of the new
  // request, which must be the connection's user) may take over this connection. OK: the lost
  // transport (or one that still looks alive) is detached, and Resume must follow. Otherwise
  // NotFound (the connection is ending), PermissionDenied (another user's connection) or
  // AlreadyExists (stateful reconnect is not in effect: a second transport); nothing changed.
  absl::Status PrepareResume(const std::string& user_id);
  // Step 2: completes the upgrade of the new WebSocket and resumes with Sequence and replay.
  void Resume(ClientStream stream, http::request<http::string_body> request);

  // hubcore::HubConnectionHost
  bool Write(hubcore::FrameConstSharedPtr frame, bool bounded) override;
  void PauseReading() override;
  void ResumeReading() override;

  // TickedSession
  void OnTick(std::chrono::steady_clock::time_point now) override;

 private:
  // ConnectionSession
  void OnCloseRequested() override;
  void Abort(std::string_view why) override;
  void OnTeardown() override;

  std::shared_ptr<WebSocketSession> SharedFromThis() {
    return std::static_pointer_cast<WebSocketSession>(shared_from_this());
  }
  void ConfigureStream();
  void OnAccept(error_code ec);
  void OnResumeAccepted(error_code ec, uint32_t generation);
  void DoRead();
  void OnRead(error_code ec, size_t bytes, uint32_t generation);
  void DoWrite();
  void OnWrite(error_code ec, uint32_t generation);
  // Stateful reconnect: keeps the connection without a transport after an unclean loss.
  bool TryDetach(std::string_view why);
  void DoClose();

  // Replaced when a stateful-reconnect client comes back (streams cannot be move-assigned).
  std::optional<websocket::stream<ClientStream>> ws_;
  bool stateful_;                // stateful reconnect negotiated
  // Grows only while the client sends more than a small read at a time; released when idle.
  beast::flat_buffer read_buffer_;
  size_t read_chunk_;

  std::vector<hubcore::FrameConstSharedPtr> queue_;      // waiting for the next write
  std::vector<hubcore::FrameConstSharedPtr> in_flight_;  // the write in flight (swapped)
  std::vector<net::const_buffer> write_buffers_;
  bool writing_ = false;
  // Worker ticks seen while the current write was in flight (the send timeout).
  uint32_t write_ticks_ = 0;
  bool closing_socket_ = false;
  bool detached_ = false;      // stateful reconnect: waiting for the client to come back
  // Which stream handlers belong to: bumped when a transport is lost or replaced, so that the
  // late completions of the old stream's operations are recognised.
  uint32_t generation_ = 0;
  bool read_paused_ = false;
  // Reading stops while replies the client does not read (completions, errors) pile up beyond
  // twice the queue bound; the write in flight keeps the session alive meanwhile.
  bool waiting_for_queue_ = false;
  bool reading_ = false;
};

}  // namespace hubgate::gateway
