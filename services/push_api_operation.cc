#include "services/push_api_operation.h"

#include <utility>

namespace hubgate::services {
namespace {

// Every method of service Push (proto/hubgate/v1/push.proto). Adding an RPC without a line
// here fails push_api_operation_test, and its handler's authorization check crashes.
constexpr std::pair<std::string_view, PushApiOperation> kPushMethods[] = {
    {"Send", PushApiOperation::kSend},
    {"AddToGroup", PushApiOperation::kMembership},
    {"RemoveFromGroup", PushApiOperation::kMembership},
    {"InvokeClient", PushApiOperation::kClientResults},
};

}  // namespace

std::string_view PushApiOperationName(PushApiOperation operation) {
  switch (operation) {
    case PushApiOperation::kSend:
      return "send";
    case PushApiOperation::kMembership:
      return "membership";
    case PushApiOperation::kClientResults:
      return "client_results";
    case PushApiOperation::kManagement:
      return "management";
  }
  return "management";
}

std::optional<PushApiOperation> ParsePushApiOperation(std::string_view name) {
  for (PushApiOperation operation : kAllPushApiOperations) {
    if (PushApiOperationName(operation) == name) {
      return operation;
    }
  }
  return std::nullopt;
}

std::optional<PushApiOperation> ClassifyPushMethod(std::string_view method_name) {
  for (const auto& [name, operation] : kPushMethods) {
    if (name == method_name) {
      return operation;
    }
  }
  return std::nullopt;
}

}  // namespace hubgate::services
