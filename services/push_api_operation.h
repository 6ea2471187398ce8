#pragma once

#include <optional>
#include <string_view>

namespace hubgate::services {

// What a Push API call does, for the scopes of API keys (push_api.keys[i].operations).
enum class PushApiOperation {
  kSend,           // Send: messages to connections, users, groups, everyone
  kMembership,     // AddToGroup, RemoveFromGroup
  kClientResults,  // InvokeClient: a client answers a call
  kManagement,     // anything else (closing connections, queries)
};

inline constexpr PushApiOperation kAllPushApiOperations[] = {
    PushApiOperation::kSend, PushApiOperation::kMembership, PushApiOperation::kClientResults,
    PushApiOperation::kManagement};

// "send", "membership", "client_results" or "management" (hubcore::kPushApiOperationNames).
std::string_view PushApiOperationName(PushApiOperation operation);
std::optional<PushApiOperation> ParsePushApiOperation(std::string_view name);

// The operation of a method of the hubgate.v1.Push service ("Send"), or nullopt for a method
// nobody classified. A test walks the service's descriptor, so a new RPC cannot go unchecked.
std::optional<PushApiOperation> ClassifyPushMethod(std::string_view method_name);

}  // namespace hubgate::services
