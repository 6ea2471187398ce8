#include "hubcore/connection_output.h"

#include <utility>

namespace hubgate::hubcore {

void ConnectionOutput::StartStatefulReconnect(HubProtocol protocol, size_t log_limit,
                                              size_t hold_limit) {
  stateful_ = std::make_unique<StatefulReconnect>(protocol, log_limit, hold_limit);
}

void ConnectionOutput::WriteControlFrame(FrameConstSharedPtr frame) {
  wrote_since_tick_ = true;
  host_.Write(std::move(frame), /*bounded=*/false);
}

bool ConnectionOutput::WriteMessage(FrameConstSharedPtr frame, MessageType type) {
  if (stateful_ == nullptr) {
    WriteControlFrame(std::move(frame));
    return true;
  }
  return stateful_->Send(std::move(frame), type, /*bounded=*/false,
                         [this](FrameConstSharedPtr f) { WriteControlFrame(std::move(f)); });
}

bool ConnectionOutput::WriteBounded(FrameConstSharedPtr frame, MessageType type) {
  if (stateful_ != nullptr) {
    // The log and its hold-back queue bound what is in flight; the transport queue is not
    // bounded separately.
    return stateful_->Send(std::move(frame), type, /*bounded=*/true,
                           [this](FrameConstSharedPtr f) { WriteControlFrame(std::move(f)); });
  }
  if (!host_.Write(std::move(frame), /*bounded=*/true)) {
    return false;
  }
  wrote_since_tick_ = true;
  return true;
}

bool ConnectionOutput::TakeWroteSinceTick() {
  return std::exchange(wrote_since_tick_, false);
}

absl::StatusOr<StatefulReconnect::Verdict> ConnectionOutput::OnReceived(
    const HubMessage& message) {
  if (stateful_ == nullptr) {
    return StatefulReconnect::Verdict::kProcess;
  }
  return stateful_->OnReceived(
      message, [this](FrameConstSharedPtr frame) { WriteControlFrame(std::move(frame)); });
}

void ConnectionOutput::OnTick() {
  if (stateful_ != nullptr) {
    stateful_->OnTick([this](FrameConstSharedPtr frame) { WriteControlFrame(std::move(frame)); });
  }
}

void ConnectionOutput::Detach() {
  if (stateful_ != nullptr) {
    stateful_->Detach();
  }
}

void ConnectionOutput::Reattach() {
  if (stateful_ != nullptr) {
    stateful_->Reattach(
        [this](FrameConstSharedPtr frame) { WriteControlFrame(std::move(frame)); });
  }
}

}  // namespace hubgate::hubcore
