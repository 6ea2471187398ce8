#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "hubcore/hub_backend.h"
#include "hubcore/hub_options.h"
#include "services/grpc_hub_backend.h"
#include "tests/services/fake_hub_handler.h"
#include "tests/services/test_waiters.h"

namespace hubgate::services {

inline hubcore::CallContext TestCallContext(std::string connection_id = "c1") {
  hubcore::CallContext context;
  context.hub = "posts";
  context.connection_id = std::move(connection_id);
  context.transport = "WebSockets";
  context.protocol = "json";
  return context;
}

// A FakeBackendServer on 127.0.0.1:0 and a described GrpcHubBackend for hub "posts" in front.
class GrpcHubBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<FakeBackendServer>("127.0.0.1:0");
    ASSERT_TRUE(server_->ok());
    backend_ = MakeBackend(std::chrono::seconds(10));
    ASSERT_NE(backend_, nullptr);
    ASSERT_TRUE(backend_->WaitForDescriptionForTest(kWaitTimeout));
  }

  void TearDown() override {
    backend_.reset();
    server_.reset();
  }

  std::unique_ptr<GrpcHubBackend> MakeBackend(std::chrono::milliseconds deadline,
                                              size_t stream_buffer_capacity = 10) {
    hubcore::HubOptions options;
    options.name = "posts";
    options.backend_target = absl::StrCat("127.0.0.1:", server_->port());
    options.backend_deadline = deadline;
    options.stream_buffer_capacity = stream_buffer_capacity;
    auto backend = GrpcHubBackend::Create(options);
    EXPECT_TRUE(backend.ok()) << backend.status();
    return backend.ok() ? *std::move(backend) : nullptr;
  }

  static hubcore::CallContext Context(std::string connection_id = "c1") {
    return TestCallContext(std::move(connection_id));
  }

  hubcore::MethodInfo Method(const std::string& name) {
    std::optional<hubcore::MethodInfo> method = backend_->FindMethod(name);
    EXPECT_TRUE(method.has_value()) << name;
    return method.value_or(hubcore::MethodInfo{name});
  }

  // Runs an Invoke to its end and returns the outcome.
  hubcore::CallOutcome InvokeAndWait(const std::string& method,
                                     std::vector<hubcore::Value> arguments = {},
                                     GrpcHubBackend* backend = nullptr) {
    OutcomeProbe probe;
    GrpcHubBackend& target = backend != nullptr ? *backend : *backend_;
    auto call =
        target.Invoke(Context(), Method(method), std::move(arguments), "1", probe.Callback());
    std::optional<hubcore::CallOutcome> outcome = probe.Wait();
    EXPECT_TRUE(outcome.has_value()) << "no outcome for " << method;
    return outcome.value_or(hubcore::CallOutcome::Failure("test: no outcome"));
  }

  FakeHubHandler& handler() { return server_->handler(); }

  std::unique_ptr<FakeBackendServer> server_;
  std::unique_ptr<GrpcHubBackend> backend_;
};

}  // namespace hubgate::services
