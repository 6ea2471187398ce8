#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "hubcore/hub_message.h"

namespace hubgate::hubcore {

// Stateful reconnect, receiving side: counts the client's trackable messages (types 1-5) from 1,
// drops the duplicates a client replays after a reconnect, ignores everything between a
// reconnect and the client's Sequence message, and says when an Ack is due.
class ReceivedMessageSequence {
 public:
  // A new transport replaced the old one: ignore messages until the client's Sequence.
  void OnReconnected() { waiting_for_sequence_ = true; }
  // The client's Sequence(id): it is about to (re)send from `id`. An id beyond the next expected
  // one is a protocol error (.NET: "Sequence ID greater than amount of messages we've received.").
  absl::Status OnSequence(int64_t sequence_id);
  // Whether a received message of `type` should be processed (false: a duplicate or a message
  // before the client's Sequence). Counts trackable messages.
  bool ShouldProcess(MessageType type);

  // The highest id processed, when it was not acknowledged yet (then call MarkAcked).
  bool ack_due() const { return latest_received_ > last_acked_; }
  int64_t latest_received() const { return latest_received_; }
  void MarkAcked() { last_acked_ = latest_received_; }

 private:
  int64_t next_expected_ = 1;
  int64_t latest_received_ = 0;
  int64_t last_acked_ = 0;
  bool waiting_for_sequence_ = false;
};

}  // namespace hubgate::hubcore
