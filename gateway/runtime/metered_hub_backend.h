#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "gateway/ops/metrics.h"
#include "gateway/runtime/backend_failure_log.h"
#include "hubcore/hub_backend.h"
#include "hubcore/hub_options.h"

namespace hubgate::gateway {

// Wraps a hub's backend to count hub method calls by method and outcome and to time the backend
// calls (hubgate_invocations_total, hubgate_backend_call_duration_seconds). Method labels are
// the names the backend described; anything else is counted under the fixed method label ""
// (kUnknownMethodLabel): calls to methods the backend does not have (outcome "unknown_method")
// and calls made on a guess while its description is unknown. So a client cannot grow the
// label set, whatever names it calls. Failed calls (a backend failure, not an error the method
// reported) are logged at warning level with hub, call, method, status and latency, rate-limited
// per hub (BackendFailureLog).
class MeteredHubBackend final : public hubcore::HubBackend {
 public:
  static constexpr std::string_view kUnknownMethodLabel = "";

  MeteredHubBackend(std::string hub, std::unique_ptr<hubcore::HubBackend> inner, Metrics& metrics)
      : hub_(std::move(hub)),
        inner_(std::move(inner)),
        metrics_(metrics),
        failure_log_(std::make_unique<BackendFailureLog>(
            hub_, hubcore::HubOptions{}.backend_failure_log_interval, &metrics)) {}

  // The hub's backend_failure_log_interval; call before the first backend call.
  void SetFailureLogInterval(std::chrono::milliseconds interval) {
    failure_log_ = std::make_unique<BackendFailureLog>(hub_, interval, &metrics_);
  }

  std::optional<hubcore::MethodInfo> FindMethod(std::string_view name) const override;
  void OnConnected(const hubcore::CallContext& context, ConnectedCallback done) override;
  void OnDisconnected(const hubcore::CallContext& context, std::string error) override {
    inner_->OnDisconnected(context, std::move(error));
  }
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
  std::unique_ptr<hubcore::BackendCall> InvokeWithUploads(
      const hubcore::CallContext& context, const hubcore::MethodInfo& method,
      std::vector<hubcore::Value> arguments, std::string invocation_id,
      WritableCallback on_writable, OutcomeCallback done) override;

 private:
  OutcomeCallback Measure(const hubcore::MethodInfo& method, std::string_view kind,
                          OutcomeCallback done);

  std::string hub_;
  std::unique_ptr<hubcore::HubBackend> inner_;
  Metrics& metrics_;
  std::unique_ptr<BackendFailureLog> failure_log_;
};

}  // namespace hubgate::gateway
