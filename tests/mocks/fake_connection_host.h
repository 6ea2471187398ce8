#pragma once

// A HubConnectionHost for hubcore tests: records what the connection writes and holds work that
// backend callbacks post until the test runs it, as a worker's event loop would.
#include <string>
#include <utility>
#include <vector>

#include "hubcore/hub_connection.h"

namespace hubgate::hubcore::testing {

class FakeConnectionHost : public HubConnectionHost {
 public:
  bool Write(FrameConstSharedPtr frame, bool bounded) override {
    if (bounded && accept_bounded_writes == 0) {
      return false;
    }
    if (bounded) --accept_bounded_writes;
    written += *frame;
    return true;
  }
  void CloseTransport() override { ++close_calls; }
  void OnHandshakeCompleted() override { ++handshakes; }
  void OnLimitHit(std::string_view limit) override { limit_hits.emplace_back(limit); }
  class QueueExecutor : public ConnectionExecutor {
   public:
    explicit QueueExecutor(std::vector<absl::AnyInvocable<void() &&>>& queue) : queue_(queue) {}
    void Run(absl::AnyInvocable<void() &&> fn) override { queue_.push_back(std::move(fn)); }

   private:
    std::vector<absl::AnyInvocable<void() &&>>& queue_;
  };
  ConnectionExecutorSharedPtr Executor() override {
    return std::make_shared<QueueExecutor>(posted);
  }
  void PauseReading() override { paused = true; }
  void ResumeReading() override { paused = false; }
  // Runs what backend callbacks posted, as the worker's event loop would.
  void RunPosted() {
    while (!posted.empty()) {
      auto fn = std::move(posted.front());
      posted.erase(posted.begin());
      std::move(fn)();
    }
  }

  // Takes what was written so far.
  std::string Take() { return std::exchange(written, {}); }

  std::string written;
  int close_calls = 0;
  std::vector<std::string> limit_hits;
  int handshakes = 0;
  int accept_bounded_writes = 1000;
  bool paused = false;
  std::vector<absl::AnyInvocable<void() &&>> posted;
};

}  // namespace hubgate::hubcore::testing
