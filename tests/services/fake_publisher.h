#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "hubcore/publisher.h"

namespace hubgate::services {

// A Publisher that records every call and completes it with a preset result, either inline or
// (async mode) later from a thread of its own, as the real worker-based publisher does.
class FakePublisher final : public hubcore::Publisher {
 public:
  struct Published {
    std::string hub;
    hubcore::Audience audience;
    hubcore::SerializedMessageConstSharedPtr message;
  };
  struct ClientInvocation {
    std::string hub;
    std::string connection_id;
    std::string method;
    std::vector<hubcore::Value> arguments;
    std::chrono::milliseconds timeout{0};
  };
  struct MembershipChange {
    bool add = false;
    std::string hub;
    std::string connection_id;
    std::string group;
  };

  ~FakePublisher() override {
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mutex_);
      threads.swap(threads_);
    }
    for (std::thread& thread : threads) {
      thread.join();
    }
  }

  bool HasHub(const std::string& hub) const override { return hub == "posts"; }

  void Publish(const std::string& hub, const hubcore::Audience& audience,
               hubcore::SerializedMessageConstSharedPtr message, CountCallback done) override {
    absl::StatusOr<hubcore::PublishOutcome> result;
    {
      std::lock_guard lock(mutex_);
      published_.push_back({hub, audience, std::move(message)});
      if (publish_result_.ok()) {
      result = hubcore::PublishOutcome{*publish_result_, 0};
    } else {
      result = publish_result_.status();
    }
    }
    Complete(std::move(done), std::move(result));
  }

  void AddToGroup(const std::string& hub, const std::string& connection_id,
                  const std::string& group, FoundCallback done) override {
    ChangeMembership(true, hub, connection_id, group, std::move(done));
  }

  void RemoveFromGroup(const std::string& hub, const std::string& connection_id,
                       const std::string& group, FoundCallback done) override {
    ChangeMembership(false, hub, connection_id, group, std::move(done));
  }

  void InvokeClient(const std::string& hub, const std::string& connection_id, std::string method,
                    std::vector<hubcore::Value> arguments, std::chrono::milliseconds timeout,
                    ClientResultCallback done) override {
    absl::StatusOr<ClientResult> result;
    {
      std::lock_guard lock(mutex_);
      client_invocations_.push_back(
          {hub, connection_id, std::move(method), std::move(arguments), timeout});
      result = client_result_;
    }
    Complete(std::move(done), std::move(result));
  }

  void set_async(bool async) {
    std::lock_guard lock(mutex_);
    async_ = async;
  }
  void set_publish_result(absl::StatusOr<uint64_t> result) {
    std::lock_guard lock(mutex_);
    publish_result_ = std::move(result);
  }
  void set_found_result(absl::StatusOr<bool> result) {
    std::lock_guard lock(mutex_);
    found_result_ = std::move(result);
  }
  void set_client_result(absl::StatusOr<ClientResult> result) {
    std::lock_guard lock(mutex_);
    client_result_ = std::move(result);
  }
  std::vector<ClientInvocation> client_invocations() const {
    std::lock_guard lock(mutex_);
    return client_invocations_;
  }
  std::vector<Published> published() const {
    std::lock_guard lock(mutex_);
    return published_;
  }
  std::vector<MembershipChange> membership_changes() const {
    std::lock_guard lock(mutex_);
    return membership_changes_;
  }
  // How many callbacks ran on a thread other than the one that made the call.
  int async_completions() const {
    std::lock_guard lock(mutex_);
    return async_completions_;
  }

 private:
  void ChangeMembership(bool add, const std::string& hub, const std::string& connection_id,
                        const std::string& group, FoundCallback done) {
    absl::StatusOr<bool> result;
    {
      std::lock_guard lock(mutex_);
      membership_changes_.push_back({add, hub, connection_id, group});
      result = found_result_;
    }
    Complete(std::move(done), std::move(result));
  }

  template <typename Callback, typename Result>
  void Complete(Callback done, Result result) {
    std::unique_lock lock(mutex_);
    if (!async_) {
      lock.unlock();
      std::move(done)(std::move(result));
      return;
    }
    const std::thread::id caller = std::this_thread::get_id();
    threads_.emplace_back(
        [this, caller, done = std::move(done), result = std::move(result)]() mutable {
          // Complete well after the handler has returned.
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          {
            std::lock_guard lock(mutex_);
            if (std::this_thread::get_id() != caller) {
              ++async_completions_;
            }
          }
          std::move(done)(std::move(result));
        });
  }

  mutable std::mutex mutex_;
  bool async_ = false;
  absl::StatusOr<uint64_t> publish_result_ = uint64_t{3};
  absl::StatusOr<bool> found_result_ = true;
  absl::StatusOr<ClientResult> client_result_ = ClientResult{false, hubcore::Value(42), ""};
  std::vector<Published> published_;
  std::vector<MembershipChange> membership_changes_;
  std::vector<ClientInvocation> client_invocations_;
  int async_completions_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace hubgate::services
