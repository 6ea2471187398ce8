#pragma once

// gmock double of hubcore::HubBackend, for decorators and callers that only need to see which
// calls were made and to answer them (tests/mocks/fake_hub_backend.h scripts whole calls).
#include <gmock/gmock.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hubcore/hub_backend.h"

namespace hubgate::hubcore::testing {

class MockHubBackend : public HubBackend {
 public:
  MOCK_METHOD(std::optional<MethodInfo>, FindMethod, (std::string_view name), (const, override));
  MOCK_METHOD(void, OnConnected, (const CallContext& context, ConnectedCallback done),
              (override));
  MOCK_METHOD(void, OnDisconnected, (const CallContext& context, std::string error),
              (override));
  MOCK_METHOD(std::unique_ptr<BackendCall>, Invoke,
              (const CallContext& context, const MethodInfo& method,
               std::vector<Value> arguments, std::string invocation_id, OutcomeCallback done),
              (override));
  MOCK_METHOD(std::unique_ptr<BackendCall>, StreamInvoke,
              (const CallContext& context, const MethodInfo& method,
               std::vector<Value> arguments, std::string invocation_id, ItemCallback on_item,
               OutcomeCallback done),
              (override));
  MOCK_METHOD(std::unique_ptr<BackendCall>, InvokeWithUploads,
              (const CallContext& context, const MethodInfo& method,
               std::vector<Value> arguments, std::string invocation_id,
               WritableCallback on_writable, OutcomeCallback done),
              (override));
};

}  // namespace hubgate::hubcore::testing
