#pragma once

#include <chrono>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "hubcore/value.h"

namespace hubgate::hubcore {

using StringPairs = std::vector<std::pair<std::string, std::string>>;

// Who is calling; sent with every call to the hub's backend.
struct CallContext {
  std::string hub;
  std::string connection_id;
  std::string user_id;
  StringPairs claims;
  std::string transport;  // "WebSockets"
  std::string protocol;   // "json"
  StringPairs query;
  StringPairs headers;
  // When the client's token stops being valid (its exp plus the allowed clock skew), on the
  // gateway's monotonic clock; unset without a token or without exp. Used only by hubs with
  // close_on_authentication_expiration; never sent to backends.
  std::optional<std::chrono::steady_clock::time_point> authentication_expiry;
};

struct MethodInfo {
  enum class Kind { kInvoke, kStream };
  std::string name;  // canonical spelling, as the backend described it
  Kind kind = Kind::kInvoke;
  uint32_t upload_streams = 0;
  // False for the stand-in FindMethod returns while the backend's description is unknown: its
  // name is only what the client sent, so it must not be used as a metric label.
  bool described = true;
};

// How a backend call ended.
struct CallOutcome {
  enum class Kind {
    kVoid,      // returned nothing
    kResult,    // returned `result`
    kHubError,   // a client-visible error (`message`), the HubException analogue
    kException,  // an error the method reported as exception `exception_type` with `message`:
                 // shown to the client only with detailed errors, as .NET shows exceptions
    kFailure,    // anything else (backend down, deadline, internal): `message` is for logs only
  };
  // The kFailure message of a call cancelled by the gateway (the client cancelled or left).
  static constexpr std::string_view kCancelledMessage = "cancelled";

  Kind kind = Kind::kVoid;
  Value result;
  std::string message;
  std::string exception_type;  // kException only

  static CallOutcome Void() { return {}; }
  static CallOutcome Result(Value v) { return {Kind::kResult, std::move(v), {}, {}}; }
  static CallOutcome HubError(std::string m) { return {Kind::kHubError, {}, std::move(m), {}}; }
  static CallOutcome Exception(std::string type, std::string m) {
    return {Kind::kException, {}, std::move(m), std::move(type)};
  }
  static CallOutcome Failure(std::string m) { return {Kind::kFailure, {}, std::move(m), {}}; }
  bool failed() const {
    return kind == Kind::kHubError || kind == Kind::kException || kind == Kind::kFailure;
  }
};

// A running backend call. Destroying the handle does not cancel the call.
class BackendCall {
 public:
  virtual ~BackendCall() = default;
  // Cancels the call (the client cancelled a stream or went away); the outcome callback still
  // runs once.
  virtual void Cancel() = 0;
  // Upload streams only: forwards one item of stream `index` / ends stream `index` (with an
  // error text when the client's stream failed). Returns false when the call's buffer is full:
  // the caller stops reading from the client until `on_writable` runs.
  virtual bool PushItem(uint32_t index, Value item) {
    (void)index;
    (void)item;
    return true;
  }
  virtual void CompleteStream(uint32_t index, std::optional<std::string> error) {
    (void)index;
    (void)error;
  }
};

// The hub logic behind a hub: implemented over gRPC by services/ (a backend's HubHandler).
// Callbacks may run on any thread; the hub connection marshals them to its own.
class HubBackend {
 public:
  using OutcomeCallback = absl::AnyInvocable<void(CallOutcome) &&>;
  using ItemCallback = absl::AnyInvocable<void(Value)>;
  using WritableCallback = absl::AnyInvocable<void()>;
  // ok(""): accepted; ok(text): rejected with text; error: the backend failed.
  using ConnectedCallback = absl::AnyInvocable<void(absl::StatusOr<std::string>) &&>;

  virtual ~HubBackend() = default;

  // The method with this name (case-insensitive), nullopt if the hub has none. While the
  // backend's description is unknown (backend down), returns a kInvoke guess (described =
  // false) so the call fails like any other backend failure instead of as an unknown method.
  virtual std::optional<MethodInfo> FindMethod(std::string_view name) const = 0;

  virtual void OnConnected(const CallContext& context, ConnectedCallback done) = 0;
  virtual void OnDisconnected(const CallContext& context, std::string error) = 0;

  // invocation_id empty: a send (the outcome is only logged).
  virtual std::unique_ptr<BackendCall> Invoke(const CallContext& context, const MethodInfo& method,
                                              std::vector<Value> arguments,
                                              std::string invocation_id,
                                              OutcomeCallback done) = 0;
  virtual std::unique_ptr<BackendCall> StreamInvoke(const CallContext& context,
                                                    const MethodInfo& method,
                                                    std::vector<Value> arguments,
                                                    std::string invocation_id,
                                                    ItemCallback on_item,
                                                    OutcomeCallback done) = 0;
  virtual std::unique_ptr<BackendCall> InvokeWithUploads(
      const CallContext& context, const MethodInfo& method, std::vector<Value> arguments,
      std::string invocation_id, WritableCallback on_writable, OutcomeCallback done) = 0;
};

}  // namespace hubgate::hubcore
