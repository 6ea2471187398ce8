#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

#include "hubcore/frame.h"
#include "hubcore/hub_message.h"

namespace hubgate::hubcore {

// Stateful reconnect, sending side (HubProtocol.md "Stateful Reconnect"): every trackable message
// the server writes (types 1-5) gets the next sequence id, counted from 1, and its frame is kept
// until the client acknowledges it, so that it can be sent again after a reconnect. Ids are not on
// the wire; both sides count. Pure bookkeeping: the connection decides what to do when the log is
// over its byte limit (it holds further messages back instead of dropping them).
class SentMessageLog {
 public:
  explicit SentMessageLog(size_t byte_limit) : byte_limit_(byte_limit) {}

  static bool IsTrackable(MessageType type) {
    return type >= MessageType::kInvocation && type <= MessageType::kCancelInvocation;
  }

  // Gives `frame` the next sequence id and keeps it.
  void Record(FrameConstSharedPtr frame);
  // The client processed everything up to `sequence_id`: forget those frames. Ids beyond what
  // was sent are treated as everything sent.
  void Ack(int64_t sequence_id);

  // Kept bytes reached the limit: the caller should hold new messages back until an Ack.
  bool full() const { return buffered_bytes_ >= byte_limit_; }
  size_t buffered_bytes() const { return buffered_bytes_; }
  size_t buffered_count() const { return frames_.size(); }
  // The id of the oldest unacknowledged frame, or the next id when none is kept: what the
  // server's Sequence message carries before a replay.
  int64_t first_unacked_id() const { return next_id_ - static_cast<int64_t>(frames_.size()); }
  int64_t next_id() const { return next_id_; }
  // The unacknowledged frames, oldest first.
  const std::deque<FrameConstSharedPtr>& unacked() const { return frames_; }

 private:
  size_t byte_limit_;
  size_t buffered_bytes_ = 0;
  int64_t next_id_ = 1;
  std::deque<FrameConstSharedPtr> frames_;
};

}  // namespace hubgate::hubcore
