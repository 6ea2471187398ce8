#include "hubcore/received_message_sequence.h"

#include "hubcore/hub_errors.h"
#include "hubcore/sent_message_log.h"

namespace hubgate::hubcore {

absl::Status ReceivedMessageSequence::OnSequence(int64_t sequence_id) {
  waiting_for_sequence_ = false;
  if (sequence_id > next_expected_) {
    return HubProtocolError("Sequence ID greater than amount of messages we've received.");
  }
  next_expected_ = sequence_id;
  return absl::OkStatus();
}

bool ReceivedMessageSequence::ShouldProcess(MessageType type) {
  if (waiting_for_sequence_) {
    return false;
  }
  if (!SentMessageLog::IsTrackable(type)) {
    return true;
  }
  const int64_t id = next_expected_++;
  if (id <= latest_received_) {
    return false;  // already processed before the reconnect
  }
  latest_received_ = id;
  return true;
}

}  // namespace hubgate::hubcore
