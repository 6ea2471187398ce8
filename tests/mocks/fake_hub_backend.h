#pragma once

// A scriptable HubBackend for hubcore tests: records every call and lets the test finish each
// call (from the test thread) when it wants.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "hubcore/hub_backend.h"

namespace hubgate::hubcore::testing {

class FakeHubBackend : public HubBackend {
 public:
  struct Call : BackendCall {
    std::string kind;  // "invoke", "stream", "uploads"
    MethodInfo method;
    std::vector<Value> arguments;
    std::string invocation_id;
    OutcomeCallback done;
    ItemCallback on_item;
    WritableCallback on_writable;
    bool cancelled = false;
    std::vector<std::pair<uint32_t, Value>> items;
    std::vector<std::pair<uint32_t, std::optional<std::string>>> completions;
    size_t capacity = 1000;

    void Cancel() override { cancelled = true; }
    bool PushItem(uint32_t index, Value item) override {
      items.emplace_back(index, std::move(item));
      return items.size() < capacity;
    }
    void CompleteStream(uint32_t index, std::optional<std::string> error) override {
      completions.emplace_back(index, std::move(error));
    }
    void Finish(CallOutcome outcome) { std::move(done)(std::move(outcome)); }
  };

  void AddMethod(std::string name, MethodInfo::Kind kind, uint32_t uploads = 0) {
    methods_[absl::AsciiStrToLower(name)] = MethodInfo{name, kind, uploads};
  }

  std::optional<MethodInfo> FindMethod(std::string_view name) const override {
    auto it = methods_.find(absl::AsciiStrToLower(absl::string_view(name.data(), name.size())));
    if (it == methods_.end()) return std::nullopt;
    return it->second;
  }
  void OnConnected(const CallContext& context, ConnectedCallback done) override {
    connected_contexts.push_back(context);
    pending_connect = std::move(done);
  }
  void OnDisconnected(const CallContext& context, std::string error) override {
    disconnected.emplace_back(context.connection_id, std::move(error));
  }
  std::unique_ptr<BackendCall> Invoke(const CallContext&, const MethodInfo& method,
                                      std::vector<Value> arguments, std::string invocation_id,
                                      OutcomeCallback done) override {
    return Record("invoke", method, std::move(arguments), std::move(invocation_id),
                  std::move(done), {}, {});
  }
  std::unique_ptr<BackendCall> StreamInvoke(const CallContext&, const MethodInfo& method,
                                            std::vector<Value> arguments,
                                            std::string invocation_id, ItemCallback on_item,
                                            OutcomeCallback done) override {
    return Record("stream", method, std::move(arguments), std::move(invocation_id),
                  std::move(done), std::move(on_item), {});
  }
  std::unique_ptr<BackendCall> InvokeWithUploads(const CallContext&, const MethodInfo& method,
                                                 std::vector<Value> arguments,
                                                 std::string invocation_id,
                                                 WritableCallback on_writable,
                                                 OutcomeCallback done) override {
    return Record("uploads", method, std::move(arguments), std::move(invocation_id),
                  std::move(done), {}, std::move(on_writable));
  }

  // The calls, in the order they were made. The handle the dispatcher holds forwards to these.
  std::vector<std::shared_ptr<Call>> calls;
  std::vector<CallContext> connected_contexts;
  std::vector<std::pair<std::string, std::string>> disconnected;
  ConnectedCallback pending_connect;

 private:
  // The dispatcher owns a handle; the test keeps the Call itself.
  struct Handle : BackendCall {
    std::shared_ptr<Call> call;
    void Cancel() override { call->Cancel(); }
    bool PushItem(uint32_t index, Value item) override {
      return call->PushItem(index, std::move(item));
    }
    void CompleteStream(uint32_t index, std::optional<std::string> error) override {
      call->CompleteStream(index, std::move(error));
    }
  };

  std::unique_ptr<BackendCall> Record(std::string kind, const MethodInfo& method,
                                      std::vector<Value> arguments, std::string invocation_id,
                                      OutcomeCallback done, ItemCallback on_item,
                                      WritableCallback on_writable) {
    auto call = std::make_shared<Call>();
    call->kind = std::move(kind);
    call->method = method;
    call->arguments = std::move(arguments);
    call->invocation_id = std::move(invocation_id);
    call->done = std::move(done);
    call->on_item = std::move(on_item);
    call->on_writable = std::move(on_writable);
    calls.push_back(call);
    auto handle = std::make_unique<Handle>();
    handle->call = call;
    return handle;
  }

  std::map<std::string, MethodInfo> methods_;
};

}  // namespace hubgate::hubcore::testing
