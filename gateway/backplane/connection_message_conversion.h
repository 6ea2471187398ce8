#pragma once

#include "absl/status/statusor.h"
#include "gateway/backplane/backplane_envelope.h"
#include "hubgate/backplane/v1/backplane.pb.h"

namespace hubgate::gateway {

// Converts connection requests and replies to and from their wire form, for
// BackplaneEnvelopeCodec, which checks names and bounds first. InvokeClient arguments and
// client results travel as MessagePack (MessagePackValueCodec), which keeps every Value kind.
class ConnectionMessageConversion {
 public:
  static void RequestToProto(const ConnectionRequest& request,
                             backplane::v1::ConnectionRequest* out);
  // InvalidArgument when the arguments are not one MessagePack array. Moves out of `request`.
  static absl::StatusOr<ConnectionRequest> RequestFromProto(
      backplane::v1::ConnectionRequest* request);

  static void ReplyToProto(const ConnectionReply& reply, backplane::v1::ConnectionReply* out);
  // InvalidArgument when a result is not one MessagePack value. Moves out of `reply`.
  static absl::StatusOr<ConnectionReply> ReplyFromProto(backplane::v1::ConnectionReply* reply);
};

}  // namespace hubgate::gateway
