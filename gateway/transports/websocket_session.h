#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gateway/runtime/gateway_context.h"
#include "gateway/ops/net.h"
#include "gateway/runtime/worker.h"
#include "hubcore/hub_connection.h"

namespace hubgate::gateway {

// The WebSocket transport of one hub connection. Lives on one worker; everything here runs on
// that worker's thread. Outgoing frames wait in a queue bounded in bytes; one write is in
// flight at a time and carries everything queued (a gather write of shared, immutable frames).
//
// Hot path and memory (docs/performance.md): the stream sits directly on the socket (no
// beast::tcp_stream timers; the send timeout is counted in worker ticks), the queue and the
// in-flight batch are two vectors that swap (no allocation per write once warm), the gather
// write passes a view of the buffer list (Beast copies buffer sequences into its operation), and
// an idle connection holds only a small read buffer.
class WebSocketSession final : public std::enable_shared_from_this<WebSocketSession>,
                               public hubcore::HubConnectionHost,
                               public TickedSession {
 public:
  struct Params {
    const hubcore::HubOptions* hub = nullptr;
    hubcore::HubBackend* backend = nullptr;  // null: the hub has no methods
    hubcore::CallContext context;
    std::string token;  // registry key, removed when the connection ends
    bool stateful = false;  // the negotiate agreed on stateful reconnect
  };

  WebSocketSession(tcp::socket socket, Worker& worker, GatewayContext& context, Params params);
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
  void Resume(tcp::socket socket, http::request<http::string_body> request);

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

 private:
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
  void Abort(std::string_view why);
  void Teardown(std::string_view reason);
  void Unroute();
  const std::string& connection_id() const { return hub_.context().connection_id; }
  const std::string& user_id() const { return hub_.context().user_id; }

  // Replaced when a stateful-reconnect client comes back (streams cannot be move-assigned).
  std::optional<websocket::stream<tcp::socket>> ws_;
  Worker& worker_;
  GatewayContext& context_;
  hubcore::HubConnection hub_;  // owns the call context and points to the hub's options
  std::string token_;            // registry key
  bool stateful_;                // stateful reconnect negotiated
  // Grows only while the client sends more than a small read at a time; released when idle.
  beast::flat_buffer read_buffer_;
  size_t read_chunk_;

  std::vector<hubcore::FrameConstSharedPtr> queue_;      // waiting for the next write
  std::vector<hubcore::FrameConstSharedPtr> in_flight_;  // the write in flight (swapped)
  std::vector<net::const_buffer> write_buffers_;
  size_t queued_bytes_ = 0;
  bool writing_ = false;
  // Worker ticks seen while the current write was in flight (the send timeout).
  uint32_t write_ticks_ = 0;
  bool close_requested_ = false;
  bool closing_socket_ = false;
  bool registered_ = false;  // in the worker's session set
  bool routed_ = false;      // in the routing index
  bool torn_down_ = false;
  bool counted_open_ = false;  // counted in hubgate_connections
  bool detached_ = false;      // stateful reconnect: waiting for the client to come back
  // Which stream handlers belong to: bumped when a transport is lost or replaced, so that the
  // late completions of the old stream's operations are recognised.
  uint32_t generation_ = 0;
  Metrics::Traffic* traffic_;
  bool read_paused_ = false;
  // Reading stops while replies the client does not read (completions, errors) pile up beyond
  // twice the queue bound; the write in flight keeps the session alive meanwhile.
  bool waiting_for_queue_ = false;
  bool reading_ = false;
  // Keeps the session alive while no read is pending (reading paused for back-pressure).
  std::shared_ptr<WebSocketSession> self_while_paused_;
  // Keeps the session alive while it waits for a reconnect (no operation is pending then).
  std::shared_ptr<WebSocketSession> self_while_detached_;
  hubcore::ConnectionExecutorSharedPtr executor_;
};

}  // namespace hubgate::gateway
