#include "hubcore/connection_opening.h"

#include <gtest/gtest.h>

#include <string>

#include "hubcore/hub_errors.h"

namespace hubgate::hubcore {
namespace {

using Kind = OpeningVerdict::Kind;

TEST(ConnectionOpeningTest, JudgesTheBackendsAnswer) {
  HubOptions options;
  EXPECT_EQ(ConnectionOpening::Judge(std::string(), options).kind, Kind::kAccepted);

  OpeningVerdict rejected = ConnectionOpening::Judge(std::string("Not today."), options);
  EXPECT_EQ(rejected.kind, Kind::kRejected);
  EXPECT_EQ(rejected.handshake_error, "Not today.");
  EXPECT_EQ(rejected.close_reason, "Not today.");

  OpeningVerdict failed = ConnectionOpening::Judge(absl::UnavailableError("down"), options);
  EXPECT_EQ(failed.kind, Kind::kRejected);
  EXPECT_EQ(failed.handshake_error, kHandshakeUnexpectedError);
  EXPECT_EQ(failed.close_reason, "down");
}

TEST(ConnectionOpeningTest, AnUnavailableBackendIsSkippedOnlyWhenTheHubAcceptsAnyway) {
  HubOptions options;
  options.accept_when_backend_unavailable = true;
  EXPECT_EQ(ConnectionOpening::Judge(absl::UnavailableError("down"), options).kind,
            Kind::kAcceptedWithoutBackend);
  EXPECT_EQ(ConnectionOpening::Judge(absl::DeadlineExceededError("slow"), options).kind,
            Kind::kAcceptedWithoutBackend);
  EXPECT_EQ(ConnectionOpening::Judge(absl::InternalError("crashed"), options).kind,
            Kind::kRejected);
}

TEST(ConnectionOpeningTest, HoldsABoundedNumberOfRecordsInOrder) {
  ConnectionOpening opening;
  absl::Status status;
  int held = 0;
  while ((status = opening.HoldRecord(std::to_string(held))).ok()) {
    ++held;
  }
  EXPECT_TRUE(IsHubProtocolError(status)) << status;
  EXPECT_EQ(held, 64);
  std::vector<std::string> records = opening.TakeHeldRecords();
  ASSERT_EQ(records.size(), 64u);
  EXPECT_EQ(records.front(), "0");
  EXPECT_EQ(records.back(), "63");
  EXPECT_TRUE(opening.TakeHeldRecords().empty());
}

}  // namespace
}  // namespace hubgate::hubcore
