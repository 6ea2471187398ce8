#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "hubcore/client_result.h"
#include "hubcore/connection_executor.h"
#include "hubcore/hub_backend.h"
#include "hubcore/hub_message.h"
#include "hubcore/hub_options.h"

namespace hubgate::hubcore {

using TimePoint = std::chrono::steady_clock::time_point;

// What the dispatcher needs from its connection. All calls happen on the connection's thread.
class DispatcherHost {
 public:
  virtual ~DispatcherHost() = default;
  // Writes a message to the client; bounded writes may fail (send queue full).
  virtual bool WriteToClient(const HubMessage& message, bool bounded) = 0;
  // Runs work on the connection's thread while the connection exists (held by backend callbacks).
  virtual ConnectionExecutorSharedPtr Executor() = 0;
  // Upload back-pressure: stop / resume reading from the client.
  virtual void PauseReading() = 0;
  virtual void ResumeReading() = 0;
  // A protocol violation that ends the connection.
  virtual void FailConnection(std::string detail) = 0;
  // The last running or waiting hub method call ended (streams not counted).
  virtual void OnInvocationsIdle() {}
};

// The hub-method half of a connection: forwards the client's invocations, streams and upload
// streams to the hub's backend and relays results, items and errors with .NET's semantics and
// texts; also tracks server-to-client invocations awaiting a client result. One per connection.
class InvocationDispatcher {
 public:
  InvocationDispatcher(HubBackend* backend, const CallContext& context, const HubOptions& options,
                       DispatcherHost& host);
  ~InvocationDispatcher();

  void OnInvocation(InvocationMessage message);
  void OnStreamInvocation(StreamInvocationMessage message);
  void OnCancelInvocation(const CancelInvocationMessage& message);
  void OnStreamItem(StreamItemMessage message);
  void OnCompletion(CompletionMessage message);

  // Client results: sends Invocation "s<n>" and calls done with the client's Completion.
  void InvokeClient(std::string method, std::vector<Value> arguments, TimePoint deadline,
                    ClientResultCallback done);

  void OnTick(TimePoint now);
  // Whether a non-streaming hub method call is running or waiting to run.
  bool HasInvocationsInFlight() const { return running_invocations_ > 0 || !waiting_.empty(); }
  // The connection ended: cancels streams and uploads, fails pending client results.
  void OnConnectionClosed();

 private:
  struct PendingInvocation {
    InvocationMessage message;
    MethodInfo method;
  };
  struct UploadBinding {
    std::shared_ptr<BackendCall> call;
    uint32_t index = 0;
  };
  struct RunningStream {
    std::shared_ptr<BackendCall> call;
    uint64_t key = 0;  // tells this call's late callbacks from those of an earlier, reused id
    std::string method;
    // Whether an item reached the client: a failure before that is a failed invocation (.NET:
    // the method threw before returning its stream), after it a failure while streaming.
    bool produced = false;
  };
  struct ClientResultWait {
    TimePoint deadline;
    ClientResultCallback done;
  };

  void StartInvocation(PendingInvocation pending);
  void OnInvocationDone(uint64_t key, const std::optional<std::string>& invocation_id,
                        const std::string& method, bool uploads, CallOutcome outcome);
  void OnStreamDone(const std::string& invocation_id, uint64_t key, CallOutcome outcome);
  bool IsRunningStream(const std::string& invocation_id, uint64_t key) const;
  void Complete(const std::string& invocation_id, std::optional<std::string> error,
                std::optional<Value> result);
  std::string OutcomeErrorText(std::string_view prefix, const CallOutcome& outcome) const;

  HubBackend* backend_;
  const CallContext& context_;
  const HubOptions& options_;
  DispatcherHost& host_;

  int running_invocations_ = 0;
  std::deque<PendingInvocation> waiting_;
  uint64_t next_call_key_ = 0;
  absl::flat_hash_map<uint64_t, std::shared_ptr<BackendCall>> invocations_;
  absl::flat_hash_map<std::string, uint64_t> invocation_keys_;  // invocation id -> call key
  absl::flat_hash_map<std::string, RunningStream> streams_;
  int running_upload_calls_ = 0;
  absl::flat_hash_map<std::string, UploadBinding> uploads_;  // client stream id -> call
  uint64_t next_client_invocation_ = 0;
  absl::flat_hash_map<std::string, ClientResultWait> client_results_;
  bool closed_ = false;
};

}  // namespace hubgate::hubcore
