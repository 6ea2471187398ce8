// GrpcHubBackend describes its backend in the background (issue 11, item 14): at start-up until
// a Describe succeeds, without waiting for client calls, and again after a call found the
// backend UNAVAILABLE (it may come back as a new deployment). Also the TLS credentials' errors.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/backend_credentials.h"
#include "services/grpc_hub_backend.h"
#include "tests/services/fake_hub_handler.h"
#include "tests/services/grpc_hub_backend_fixture.h"
#include "tests/services/test_waiters.h"

namespace hubgate::services {
namespace {

using hubcore::CallOutcome;

class GrpcHubBackendBackgroundTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat("/tmp/hubgate-background-test-", ::getpid(), ".sock");
    std::remove(path_.c_str());
  }
  void TearDown() override { std::remove(path_.c_str()); }

  std::unique_ptr<GrpcHubBackend> Create() {
    hubcore::HubOptions options;
    options.name = "posts";
    options.backend_target = "unix:" + path_;
    options.backend_deadline = std::chrono::seconds(2);
    GrpcHubBackendTuning tuning;
    tuning.max_reconnect_backoff = std::chrono::milliseconds(100);
    tuning.background_describe_initial_delay = std::chrono::milliseconds(10);
    tuning.background_describe_max_delay = std::chrono::milliseconds(100);
    auto created = GrpcHubBackend::Create(options, tuning);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *std::move(created) : nullptr;
  }
  std::string Address() const { return "unix:" + path_; }

  std::string path_;
};

TEST_F(GrpcHubBackendBackgroundTest, DescribesABackendThatStartsLaterWithoutAnyLookup) {
  std::unique_ptr<GrpcHubBackend> backend = Create();
  ASSERT_NE(backend, nullptr);
  EXPECT_FALSE(backend->HasDescription());
  FakeBackendServer server(Address());
  ASSERT_TRUE(server.ok());
  EXPECT_TRUE(backend->WaitForDescriptionForTest(std::chrono::seconds(20)));
}

TEST_F(GrpcHubBackendBackgroundTest, AnUnavailableCallDescribesTheBackendAgain) {
  std::unique_ptr<GrpcHubBackend> backend = Create();
  ASSERT_NE(backend, nullptr);
  auto first = std::make_unique<FakeBackendServer>(Address());
  ASSERT_TRUE(backend->WaitForDescriptionForTest(std::chrono::seconds(20)));
  std::optional<hubcore::MethodInfo> echo = backend->FindMethod("Echo");
  ASSERT_TRUE(echo.has_value());
  first.reset();
  std::remove(path_.c_str());

  OutcomeProbe probe;
  auto call = backend->Invoke(TestCallContext(), *echo, {}, "1", probe.Callback());
  std::optional<CallOutcome> outcome = probe.Wait();
  ASSERT_TRUE(outcome.has_value());
  EXPECT_EQ(outcome->kind, CallOutcome::Kind::kFailure);
  EXPECT_EQ(outcome->message.rfind("UNAVAILABLE", 0), 0u) << outcome->message;

  FakeBackendServer second(Address());
  ASSERT_TRUE(second.ok());
  EXPECT_GE(second.handler().describes.WaitFor(1, std::chrono::seconds(20)).size(), 1u)
      << "the redeployed backend must be described without a client asking";
}

TEST(BackendCredentialsTest, PlaintextWithoutACaAndErrorsNamingTheFile) {
  hubcore::HubOptions hub;
  hub.name = "posts";
  EXPECT_TRUE(BackendCredentials(hub).ok());

  hub.backend_tls.ca_file = "/nonexistent/ca.pem";
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> missing = BackendCredentials(hub);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(),
            "hub 'posts': backend_tls.ca_file '/nonexistent/ca.pem' cannot be read or is empty");

  hub.backend_tls.ca_file.clear();
  hub.backend_tls.cert_file = "/c.pem";
  EXPECT_EQ(BackendCredentials(hub).status().code(), absl::StatusCode::kInvalidArgument);
}

// gRPC only logs a CA bundle it cannot load (and then fails every handshake): the start checks
// that the PEM blocks hold certificates.
TEST(BackendCredentialsTest, APemBlockThatHoldsNoCertificateIsNamed) {
  const std::string bogus = testing::TempDir() + "backend_bogus_ca.pem";
  std::ofstream(bogus) << "-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n";
  hubcore::HubOptions hub;
  hub.name = "posts";
  hub.backend_tls.ca_file = bogus;
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> wrong = BackendCredentials(hub);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.status().message(),
            "hub 'posts': backend_tls.ca_file '" + bogus + "' holds no valid certificate");
  std::remove(bogus.c_str());
}

}  // namespace
}  // namespace hubgate::services
