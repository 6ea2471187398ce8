#include "hubcore/sent_message_log.h"

namespace hubgate::hubcore {

void SentMessageLog::Record(FrameConstSharedPtr frame) {
  buffered_bytes_ += frame->size();
  frames_.push_back(std::move(frame));
  ++next_id_;
}

void SentMessageLog::Ack(int64_t sequence_id) {
  while (!frames_.empty() && first_unacked_id() <= sequence_id) {
    buffered_bytes_ -= frames_.front()->size();
    frames_.pop_front();
  }
  if (frames_.empty()) {
    frames_.shrink_to_fit();
  }
}

}  // namespace hubgate::hubcore
