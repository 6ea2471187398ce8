#pragma once

#include <array>
#include <memory>
#include <string>

#include "gateway/ops/client_stream.h"
#include "gateway/ops/net.h"

namespace hubgate::gateway {

// Carries one client request to the replica that holds its connection (docs/scale-out.md,
// "Connecting without stickiness"): connects to that replica's advertise address, sends the
// request, then copies bytes both ways until either side ends. A plain request goes with
// "Connection: close", so the holder's answer ends the exchange and the client opens a new
// connection for its next request; a WebSocket upgrade (stateful reconnect landing on another
// replica) stays bridged for the life of the connection. Runs on the client stream's worker.
class ReplicaForwarder : public std::enable_shared_from_this<ReplicaForwarder> {
 public:
  using Request = http::request<http::string_body>;

  static void Start(ClientStream client, std::string address, Request request);

  ReplicaForwarder(ClientStream client, std::string address, Request request);

 private:
  void Connect();
  void OnConnected();
  void FailUpstream(std::string_view why);
  void PumpClientToUpstream();
  void PumpUpstreamToClient();
  void End();

  ClientStream client_;
  tcp::socket upstream_;
  tcp::resolver resolver_;
  net::steady_timer connect_timer_;
  std::string address_;
  Request request_;
  std::string request_bytes_;
  std::array<char, 16384> to_upstream_;  // one buffer per direction of the copy
  std::array<char, 16384> to_client_;
  bool ended_ = false;
  std::string failure_response_;
};

}  // namespace hubgate::gateway
