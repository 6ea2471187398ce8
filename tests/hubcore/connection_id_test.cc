#include "hubcore/connection_id.h"

#include "gtest/gtest.h"

namespace hubgate::hubcore {
namespace {

TEST(ConnectionIdTest, EncodesTheWorkerAndIsUrlSafe) {
  std::array<uint8_t, 16> random{};
  random.fill(0xFF);
  for (uint32_t worker : {0u, 1u, 7u, 255u}) {
    std::string id = ConnectionId::Make(worker, random);
    EXPECT_EQ(id.size(), 22u);
    EXPECT_EQ(id.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << id;
    EXPECT_EQ(ConnectionId::WorkerOf(id), worker);
  }
}

TEST(ConnectionIdTest, DifferentRandomnessGivesDifferentIds) {
  std::array<uint8_t, 16> a{}, b{};
  b[15] = 1;
  EXPECT_NE(ConnectionId::Make(3, a), ConnectionId::Make(3, b));
}

TEST(ConnectionIdTest, RejectsMalformedIds) {
  EXPECT_FALSE(ConnectionId::WorkerOf("").has_value());
  EXPECT_FALSE(ConnectionId::WorkerOf("short").has_value());
  EXPECT_FALSE(ConnectionId::WorkerOf("!!!!!!!!!!!!!!!!!!!!!!").has_value());
  EXPECT_FALSE(ConnectionId::WorkerOf("AAAAAAAAAAAAAAAAAAAAAAAA").has_value());
}

}  // namespace
}  // namespace hubgate::hubcore

namespace hubgate::hubcore {
namespace {

// A worker the id cannot name would silently alias worker % 256: that is a bug, not an id.
TEST(ConnectionIdDeathTest, AWorkerBeyondTheEncodableRangeCrashes) {
  std::array<uint8_t, 16> random{};
  EXPECT_DEATH(ConnectionId::Make(ConnectionId::kMaxWorkers, random), "worker");
  EXPECT_DEATH(ConnectionId::Make(300, random), "worker");
}

}  // namespace
}  // namespace hubgate::hubcore
