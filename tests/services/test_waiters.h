#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "hubcore/hub_backend.h"

namespace hubgate::services {

constexpr std::chrono::seconds kWaitTimeout{10};

// A thread-safe list that tests wait on (with a timeout) instead of sleeping.
template <typename T>
class Recorder {
 public:
  void Add(T item) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(item));
    changed_.notify_all();
  }
  // Waits until there are at least `count` items (or the timeout), then returns them all.
  std::vector<T> WaitFor(size_t count, std::chrono::milliseconds timeout = kWaitTimeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] { return items_.size() >= count; });
    return items_;
  }
  std::vector<T> Get() const {
    std::lock_guard lock(mutex_);
    return items_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<T> items_;
};

// Captures a call's outcome and counts how often the callback ran.
class OutcomeProbe {
 public:
  hubcore::HubBackend::OutcomeCallback Callback() {
    return
        [outcomes = outcomes_](hubcore::CallOutcome outcome) { outcomes->Add(std::move(outcome)); };
  }
  std::optional<hubcore::CallOutcome> Wait(std::chrono::milliseconds timeout = kWaitTimeout) {
    std::vector<hubcore::CallOutcome> got = outcomes_->WaitFor(1, timeout);
    if (got.empty()) {
      return std::nullopt;
    }
    return got.front();
  }
  size_t calls() const { return outcomes_->Get().size(); }

 private:
  std::shared_ptr<Recorder<hubcore::CallOutcome>> outcomes_ =
      std::make_shared<Recorder<hubcore::CallOutcome>>();
};

}  // namespace hubgate::services
