// Server-Sent Events framing, as .NET's ServerSentEventsMessageFormatter.
#include <cstdlib>
#include <string>

#include "gateway/transports/sse_session.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {


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

}  // namespace
}  // namespace hubgate::gateway
