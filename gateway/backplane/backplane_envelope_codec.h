#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "gateway/backplane/backplane_envelope.h"

namespace hubgate::gateway {

// Bounds on what one envelope may hold, checked both when encoding and when decoding, so that
// neither a local caller nor another replica (or anything else writing to the channels) can
// make a replica allocate without limit.
struct EnvelopeLimits {
  size_t max_envelope_bytes = 8 << 20;  // the whole encoded envelope (both frames of a push)
  size_t max_names = 65'536;            // audience names, and excluded connection ids
  size_t max_name_bytes = 4'096;        // each hub, group, user, connection, method, id
  // The longest InvokeClient wait, the Push API's own bound.
  std::chrono::milliseconds max_invoke_timeout{600'000};
};

// Encodes and decodes BackplaneEnvelopes as hubgate.backplane.v1.Envelope. Decoding accepts
// only complete, well-formed envelopes within the limits and answers InvalidArgument (malformed
// or out of bounds) or ResourceExhausted (too large) otherwise; it never crashes on any input.
// InvokeClient arguments and client results travel as MessagePack, which keeps every Value kind.
class BackplaneEnvelopeCodec {
 public:
  // limits.max_envelope_bytes must fit protobuf's int sizes (crashes otherwise).
  explicit BackplaneEnvelopeCodec(EnvelopeLimits limits = {});

  // ResourceExhausted when the envelope would exceed max_envelope_bytes, InvalidArgument when a
  // field is missing or beyond the limits (what Decode would refuse). A push without both frames
  // is a bug of the caller (crash).
  absl::StatusOr<std::string> Encode(const BackplaneEnvelope& envelope) const;
  absl::StatusOr<BackplaneEnvelope> Decode(std::string_view bytes) const;

  const EnvelopeLimits& limits() const { return limits_; }

 private:
  EnvelopeLimits limits_;
};

}  // namespace hubgate::gateway
