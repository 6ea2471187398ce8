#pragma once

// StreamReader<T>: a client-to-server stream parameter of a generated hub method (ASP.NET's
// ChannelReader<T> argument). Register the handlers with Read(), during the call or later:
// items that arrive before are kept (at most kMaxBufferedItems; beyond that the call fails).
// Handlers run one at a time, in order, on gRPC threads; `on_end` runs once, with the
// client's error text when its stream failed.

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "cli/protoc_gen_hubgate/runtime/value_codec.h"
#include "hubgate/v1/push.pb.h"

namespace hubgate::typed {

// One upload stream's items and end, handed to its handlers in order.
class UploadStreamState {
 public:
  static constexpr std::size_t kMaxBufferedItems = 1024;
  using ItemHandler = std::function<absl::Status(const v1::Value&)>;
  using EndHandler = std::function<void(const std::optional<std::string>&)>;
  // Called once when an item cannot be decoded or too many wait: fails the call.
  using FailureHandler = std::function<void(const absl::Status&)>;

  explicit UploadStreamState(FailureHandler on_failure) : on_failure_(std::move(on_failure)) {}

  void SetHandlers(ItemHandler on_item, EndHandler on_end);
  void PushItem(v1::Value item);
  void PushEnd(std::optional<std::string> error);

 private:
  struct Event {
    std::optional<v1::Value> item;  // unset: the end
    std::optional<std::string> error;
  };
  void Push(Event event);
  void Drain();

  absl::Mutex mu_;
  std::deque<Event> events_ ABSL_GUARDED_BY(mu_);
  ItemHandler on_item_ ABSL_GUARDED_BY(mu_);
  EndHandler on_end_ ABSL_GUARDED_BY(mu_);
  bool draining_ ABSL_GUARDED_BY(mu_) = false;
  bool failed_ ABSL_GUARDED_BY(mu_) = false;
  FailureHandler on_failure_;
};

template <typename T>
class StreamReader {
 public:
  explicit StreamReader(std::shared_ptr<UploadStreamState> state) : state_(std::move(state)) {}

  void Read(std::function<void(const T&)> on_item,
            std::function<void(const std::optional<std::string>&)> on_end) const {
    state_->SetHandlers(
        [on_item = std::move(on_item)](const v1::Value& value) -> absl::Status {
          T item;
          if (absl::Status status = DecodeMessage(value, item); !status.ok()) {
            return status;
          }
          on_item(item);
          return absl::OkStatus();
        },
        std::move(on_end));
  }

 private:
  std::shared_ptr<UploadStreamState> state_;
};

}  // namespace hubgate::typed
