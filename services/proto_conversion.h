#pragma once

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

  static absl::StatusOr<hubcore::Value> ValueFromProto(const v1::Value& value);
  static absl::StatusOr<std::vector<hubcore::Value>> ArgumentsFromRequest(
      const v1::SendRequest& request);
  static absl::StatusOr<hubcore::Audience> AudienceFromRequest(const v1::SendRequest& request);
  // hub and method present (arguments and audience are checked by their conversions).
  static absl::Status ValidateSendRequest(const v1::SendRequest& request);
  // hub, connection_id and group present.
  static absl::Status ValidateGroupRequest(const v1::GroupMembershipRequest& request);
};

}  // namespace hubgate::services
