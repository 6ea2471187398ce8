// Server-Sent Events framing, as .NET's ServerSentEventsMessageFormatter, and the exact bytes an
// SseSession puts on the wire (chunked for HTTP/1.1, a plain body for HTTP/1.0).
#include <cstdlib>
#include <future>
#include <memory>
#include <string>

#include "gateway/ops/config.h"
#include "gateway/transports/sse_session.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

using ::testing::EndsWith;
using ::testing::StartsWith;

std::string SseEvent(std::string_view payload) {
  std::string out;
  AppendSseEvent(payload, out);
  return out;
}

TEST(SseFormatTest, OneLineIsOneDataLine) {
  EXPECT_EQ(SseEvent("{\"type\":6}\x1e"), "data: {\"type\":6}\x1e\r\n\r\n");
}

TEST(SseFormatTest, LineFeedsSplitIntoDataLinesAndCarriageReturnsBeforeThemGo) {
  EXPECT_EQ(SseEvent("a\nb"), "data: a\r\ndata: b\r\n\r\n");
  EXPECT_EQ(SseEvent("a\r\nb"), "data: a\r\ndata: b\r\n\r\n");
  EXPECT_EQ(SseEvent("a\n"), "data: a\r\ndata: \r\n\r\n");
  EXPECT_EQ(SseEvent("\r\nx"), "data: \r\r\ndata: x\r\n\r\n") << ".NET keeps a lone \\r line";
}

TEST(SseFormatTest, EmptyPayloadIsAnEmptyEvent) { EXPECT_EQ(SseEvent(""), "\r\n"); }

namespace wire {

// Answers to the POSTs of the test; it only needs to exist.
class IgnoringResponder : public HttpResponder {
 public:
  void Respond(http::status, std::string) override {}
  void RespondWithFrames(std::vector<hubcore::FrameConstSharedPtr>) override {}
  void HoldForPoll() override {}
};

// Runs one SSE connection over loopback TCP: the stream opens, the client's handshake arrives by
// POST, the server closes at once; returns everything the client read until the end.
std::string RunOneConnection(unsigned http_version) {
  GatewayConfig config = DefaultConfig();
  ConnectionRegistry registry;
  Metrics metrics;
  WorkerPool pool(1);
  GatewayContext context{config, pool, registry, metrics, nullptr, nullptr, {}, {}};
  pool.Start();
  Worker& worker = pool.at(0);

  net::io_context client_io;
  tcp::acceptor acceptor(client_io, tcp::endpoint(net::ip::address_v4::loopback(), 0));
  tcp::socket client(client_io);
  client.connect(acceptor.local_endpoint());
  tcp::socket accepted = acceptor.accept();
  const auto protocol = accepted.local_endpoint().protocol();
  tcp::socket server_end(worker.io_context(), protocol, accepted.release());

  std::promise<void> started;
  worker.Post([&] {
    HttpTransportSession::Params params;
    params.hub = &config.hubs[0];
    params.context.hub = "posts";
    params.context.connection_id = "sse-1";
    params.context.transport = "ServerSentEvents";
    params.token = "sse-token";
    auto session = std::make_shared<SseSession>(ClientStream(std::move(server_end)), worker,
                                                context, std::move(params), http_version);
    session->Run();
    session->OnSend("{\"protocol\":\"json\",\"version\":1}\x1e",
                    std::make_shared<IgnoringResponder>());
    session->CloseTransport();  // what is queued (the handshake answer) goes out first
    started.set_value();
  });
  started.get_future().wait();

  std::string received;
  error_code ec;
  net::read(client, net::dynamic_buffer(received), ec);
  EXPECT_EQ(ec, net::error::eof);
  client.close();  // the session's pending read ends: it tears down
  pool.Drain(std::chrono::milliseconds(0), std::chrono::seconds(5));
  pool.Stop();
  return received;
}

TEST(SseSessionWireTest, Http11SendsOneChunkPerEventThenTheLastChunk) {
  const std::string received = RunOneConnection(11);
  EXPECT_THAT(received, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(received, ::testing::HasSubstr("Transfer-Encoding: chunked\r\n"));
  // ":\r\n" at once (browsers fire `open`), the handshake answer as one event, the last chunk.
  EXPECT_THAT(received, EndsWith("\r\n\r\n"
                                 "3\r\n:\r\n\r\n"
                                 "d\r\ndata: {}\x1e\r\n\r\n\r\n"
                                 "0\r\n\r\n"));
}

TEST(SseSessionWireTest, Http10SendsThePlainEventStreamUntilTheConnectionEnds) {
  const std::string received = RunOneConnection(10);
  EXPECT_THAT(received, StartsWith("HTTP/1.0 200 OK\r\n"));
  EXPECT_THAT(received, ::testing::Not(::testing::HasSubstr("chunked")));
  EXPECT_THAT(received, EndsWith("\r\n\r\n"
                                 ":\r\n"
                                 "data: {}\x1e\r\n\r\n"));
}

}  // namespace wire

}  // namespace
}  // namespace hubgate::gateway
