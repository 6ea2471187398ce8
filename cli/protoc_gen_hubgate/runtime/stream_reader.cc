#include "cli/protoc_gen_hubgate/runtime/stream_reader.h"

#include "absl/strings/str_cat.h"

namespace hubgate::typed {

void UploadStreamState::SetHandlers(ItemHandler on_item, EndHandler on_end) {
  {
    absl::MutexLock lock(&mu_);
    on_item_ = std::move(on_item);
    on_end_ = std::move(on_end);
  }
  Drain();
}

void UploadStreamState::PushItem(v1::Value item) { Push({std::move(item), std::nullopt}); }

void UploadStreamState::PushEnd(std::optional<std::string> error) {
  Push({std::nullopt, std::move(error)});
}

void UploadStreamState::Push(Event event) {
  bool overflow = false;
  {
    absl::MutexLock lock(&mu_);
    if (failed_) {
      return;
    }
    if (event.item && events_.size() >= kMaxBufferedItems) {
      failed_ = true;
      overflow = true;
    } else {
      events_.push_back(std::move(event));
    }
  }
  if (overflow) {
    on_failure_(absl::ResourceExhaustedError(absl::StrCat(
        "more than ", kMaxBufferedItems, " upload items arrived before the method read them")));
    return;
  }
  Drain();
}

// One handler call at a time, in arrival order, whichever thread pushed or registered.
void UploadStreamState::Drain() {
  for (;;) {
    Event event;
    ItemHandler on_item;
    EndHandler on_end;
    {
      absl::MutexLock lock(&mu_);
      if (draining_ || failed_ || !on_item_ || events_.empty()) {
        return;
      }
      draining_ = true;
      event = std::move(events_.front());
      events_.pop_front();
      on_item = on_item_;
      on_end = on_end_;
    }
    absl::Status status = absl::OkStatus();
    if (event.item) {
      status = on_item(*event.item);
    } else if (on_end) {
      on_end(event.error);
    }
    {
      absl::MutexLock lock(&mu_);
      draining_ = false;
      if (!status.ok()) {
        failed_ = true;
        events_.clear();
      }
    }
    if (!status.ok()) {
      on_failure_(status);
      return;
    }
  }
}

}  // namespace hubgate::typed
