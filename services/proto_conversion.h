#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hubcore/audience.h"
#include "hubcore/value.h"
#include "hubgate/v1/push.pb.h"

namespace hubgate::services {

// Converts and validates Push API requests. Every error is InvalidArgument with a message that
// names the field, e.g. "audience: one of all, connection_id, connections, group, groups,
// user_id, users is required".
class ProtoConversion {
 public:
  // Protobuf itself refuses messages nested more than 100 deep, which is about 49 Value
  // levels (a list level is two messages); such requests fail in gRPC before reaching us.
  static constexpr int kMaxValueDepth = 32;

  // The longest InvokeClient wait a caller may ask for, and the wait when it asks for none.
  static constexpr uint32_t kMaxInvokeClientTimeoutMs = 600'000;
  static constexpr uint32_t kDefaultInvokeClientTimeoutMs = 30'000;

  static absl::StatusOr<hubcore::Value> ValueFromProto(const v1::Value& value);
  // Every kind converts; a map keeps its last value for a repeated key.
  static void ValueToProto(const hubcore::Value& value, v1::Value* out);
  static v1::Value ValueToProto(const hubcore::Value& value);

  static absl::StatusOr<std::vector<hubcore::Value>> ArgumentsFromRequest(
      const v1::SendRequest& request);
  static absl::StatusOr<std::vector<hubcore::Value>> ArgumentsFromRequest(
      const v1::InvokeClientRequest& request);
  static absl::StatusOr<hubcore::Audience> AudienceFromRequest(const v1::SendRequest& request);
  // hub and method present (arguments and audience are checked by their conversions).
  static absl::Status ValidateSendRequest(const v1::SendRequest& request);
  // hub, connection_id and group present.
  static absl::Status ValidateGroupRequest(const v1::GroupMembershipRequest& request);
  // hub, connection_id and method present, timeout_ms within bounds (arguments are checked by
  // their conversion).
  static absl::Status ValidateInvokeClientRequest(const v1::InvokeClientRequest& request);
  // The request's timeout_ms, 0 meaning the default.
  static std::chrono::milliseconds InvokeClientTimeout(const v1::InvokeClientRequest& request);
};

}  // namespace hubgate::services
