#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "hubcore/hub_backend.h"
#include "hubcore/hub_options.h"

namespace hubgate::services {

// Knobs with production defaults; tests shorten them.
struct GrpcHubBackendTuning {
  // While the backend's description is unknown, FindMethod retries Describe at most this often.
  std::chrono::milliseconds describe_retry_interval{1000};
  // Caps the channel's reconnect backoff (gRPC's default grows to 2 minutes), so a restarted
  // backend is reached again within seconds.
  std::chrono::milliseconds max_reconnect_backoff{5000};
  // The background Describe (at start-up, and after a call found the backend UNAVAILABLE)
  // retries after this delay, doubling up to the maximum, until a Describe succeeds.
  std::chrono::milliseconds background_describe_initial_delay{250};
  std::chrono::milliseconds background_describe_max_delay{5000};
};

// A hub's backend reached over gRPC: the gateway is the client of the backend's HubHandler
// service (proto/hubgate/v1/hub_handler.proto). One channel per hub; every call is
// asynchronous (gRPC's callback API), so no method blocks the calling thread, and callbacks run
// on gRPC's threads. Unary calls get `backend_deadline`; StreamInvoke has none.
//
// The object may be destroyed while calls are running: they keep the channel alive and still
// report their outcomes. This header is free of gRPC includes.
class GrpcHubBackend final : public hubcore::HubBackend {
 public:
  // Connects to `options.backend_target` (TLS when `options.backend_tls` names a CA file,
  // otherwise plaintext) and describes the backend in the background until that succeeds.
  // InvalidArgument when the target is empty or a TLS file cannot be read.
  static absl::StatusOr<std::unique_ptr<GrpcHubBackend>> Create(
      const hubcore::HubOptions& options, const GrpcHubBackendTuning& tuning = {});
  ~GrpcHubBackend() override;

  GrpcHubBackend(const GrpcHubBackend&) = delete;
  GrpcHubBackend& operator=(const GrpcHubBackend&) = delete;

  // hubcore::HubBackend. FindMethod is thread-safe; while the description is unknown it
  // returns a kInvoke guess and triggers a (rate-limited, asynchronous) Describe.
  std::optional<hubcore::MethodInfo> FindMethod(std::string_view name) const override;
  void OnConnected(const hubcore::CallContext& context, ConnectedCallback done) override;
  void OnDisconnected(const hubcore::CallContext& context, std::string error) override;
  std::unique_ptr<hubcore::BackendCall> Invoke(const hubcore::CallContext& context,
                                               const hubcore::MethodInfo& method,
                                               std::vector<hubcore::Value> arguments,
                                               std::string invocation_id,
                                               OutcomeCallback done) override;
  std::unique_ptr<hubcore::BackendCall> StreamInvoke(const hubcore::CallContext& context,
                                                     const hubcore::MethodInfo& method,
                                                     std::vector<hubcore::Value> arguments,
                                                     std::string invocation_id,
                                                     ItemCallback on_item,
                                                     OutcomeCallback done) override;
  std::unique_ptr<hubcore::BackendCall> InvokeWithUploads(const hubcore::CallContext& context,
                                                          const hubcore::MethodInfo& method,
                                                          std::vector<hubcore::Value> arguments,
                                                          std::string invocation_id,
                                                          WritableCallback on_writable,
                                                          OutcomeCallback done) override;

  // Whether a description has been received.
  bool HasDescription() const;
  // Waits up to `timeout` for a description; true once there is one.
  bool WaitForDescriptionForTest(std::chrono::milliseconds timeout) const;

 private:
  class Impl;
  explicit GrpcHubBackend(std::shared_ptr<Impl> impl);

  // Shared with running Describe calls.
  std::shared_ptr<Impl> impl_;
};

}  // namespace hubgate::services
