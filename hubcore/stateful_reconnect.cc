#include "hubcore/stateful_reconnect.h"

#include "hubcore/queue_bound.h"
#include "hubcore/serialized_message.h"

namespace hubgate::hubcore {

StatefulReconnect::StatefulReconnect(HubProtocol protocol, size_t log_limit, size_t hold_limit)
    : protocol_(protocol), hold_limit_(hold_limit), sent_(log_limit) {}

bool StatefulReconnect::Send(FrameConstSharedPtr frame, MessageType type, bool bounded,
                             WriteFn write) {
  if (!SentMessageLog::IsTrackable(type)) {
    if (type == MessageType::kClose && !held_.empty()) {
      // No reconnect follows a Close: what waits behind the log limit goes out before it.
      while (!held_.empty()) {
        Held next = std::move(held_.front());
        held_.pop_front();
        held_bytes_ -= next.frame->size();
        Log(std::move(next.frame), write);
      }
    }
    if (attached_) {
      write(std::move(frame));
    }
    return true;
  }
  if (held_.empty() && !sent_.full()) {
    Log(std::move(frame), write);
    return true;
  }
  // Unbounded frames (completions, client-result invocations) must not be dropped, so they get
  // room beyond the bound that pushes get; but a client that never Acks must not grow memory
  // without limit.
  if (!FitsQueueBound(held_bytes_, frame->size(), bounded ? hold_limit_ : 2 * hold_limit_)) {
    return false;
  }
  held_bytes_ += frame->size();
  held_.push_back({std::move(frame), bounded});
  return true;
}

void StatefulReconnect::Log(FrameConstSharedPtr frame, WriteFn write) {
  if (attached_) {
    write(frame);
  }
  sent_.Record(std::move(frame));
}

void StatefulReconnect::ReleaseHeld(WriteFn write) {
  while (!held_.empty() && !sent_.full()) {
    Held next = std::move(held_.front());
    held_.pop_front();
    held_bytes_ -= next.frame->size();
    Log(std::move(next.frame), write);
  }
}

absl::StatusOr<StatefulReconnect::Verdict> StatefulReconnect::OnReceived(
    const HubMessage& message, WriteFn write) {
  if (const auto* ack = std::get_if<AckMessage>(&message)) {
    sent_.Ack(ack->sequence_id);
    ReleaseHeld(write);
    return Verdict::kSkip;
  }
  if (const auto* sequence = std::get_if<SequenceMessage>(&message)) {
    if (absl::Status status = received_.OnSequence(sequence->sequence_id); !status.ok()) {
      return status;
    }
    return Verdict::kSkip;
  }
  return received_.ShouldProcess(TypeOf(message)) ? Verdict::kProcess : Verdict::kSkip;
}

void StatefulReconnect::OnTick(WriteFn write) {
  if (attached_ && received_.ack_due()) {
    write(EncodeFrame(AckMessage{received_.latest_received()}, protocol_));
    received_.MarkAcked();
  }
}

void StatefulReconnect::Reattach(WriteFn write) {
  attached_ = true;
  received_.OnReconnected();
  write(EncodeFrame(SequenceMessage{sent_.first_unacked_id()}, protocol_));
  for (const FrameConstSharedPtr& frame : sent_.unacked()) {
    write(frame);
  }
  ReleaseHeld(write);
}

}  // namespace hubgate::hubcore
