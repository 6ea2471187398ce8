#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/ops/client_stream.h"
#include "gateway/ops/net.h"
#include "gateway/transports/http_transport_session.h"

namespace hubgate::gateway {

// Appends one Server-Sent Events event carrying `payload` to `out`, as .NET's
// ServerSentEventsMessageFormatter: "data: <line>\r\n" per line ("\n" separates lines, a "\r"
// before it is dropped), then "\r\n". An empty payload is just "\r\n".
void AppendSseEvent(std::string_view payload, std::string& out);

// The Server-Sent Events transport of one hub connection (text only), on its owning worker.
// The GET's socket belongs to this session: the response header and ":\r\n" go out at once,
// then each write carries everything queued as one event (a chunk of the chunked response, made
// by Beast's http::make_chunk around the shared frames: a gather write, no copy). The client
// sends by POST; closing the request is its way to leave.
class SseSession final : public HttpTransportSession {
 public:
  SseSession(ClientStream stream, Worker& worker, GatewayContext& context, Params params,
             unsigned http_version);

  void Run();
  bool SupportsBinary() const override { return false; }

 private:
  // HttpTransportSession
  void OnQueued() override;
  void CloseAfterQueued() override;
  void OnTransportTick(TimePoint now) override;
  void ReleaseTransport() override;
  // ConnectionSession
  void Abort(std::string_view why) override;

  void DoRead();
  void OnRead(error_code ec, size_t bytes);
  void DoWrite();
  void OnWrite(error_code ec);
  // Ends the response (last chunk) and shuts down sending; the client then closes.
  void Finish();

  ClientStream stream_;
  bool chunked_;
  std::string head_;  // the response header at first, then the event of a multiline write
  std::vector<hubcore::FrameConstSharedPtr> in_flight_;
  size_t in_flight_bytes_ = 0;
  std::vector<net::const_buffer> write_buffers_;
  bool writing_ = false;
  bool finished_ = false;
  TimePoint write_started_;
  TimePoint close_started_;
  std::array<char, 256> read_buffer_{};
};

}  // namespace hubgate::gateway
