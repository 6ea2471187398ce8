#include "gateway/runtime/worker.h"

#include <algorithm>
#include <exception>
#include <future>
#include <vector>

#include "spdlog/spdlog.h"

namespace hubgate::gateway {

Worker::Worker(uint32_t index)
    : index_(index),
      io_context_(1),
      work_guard_(net::make_work_guard(io_context_)),
      tick_timer_(io_context_),
      drain_step_timer_(io_context_) {}

Worker::~Worker() {
  if (thread_.joinable()) {
    io_context_.stop();
    thread_.join();
  }
}

void Worker::Start() {
  ScheduleTick();
  thread_ = std::thread([this] {
    // Handlers use error codes and do not throw. An exception that escapes one is a bug that
    // left its session (and perhaps the routing index) half-updated: running on would serve
    // from broken state, so log it and end the process.
    try {
      io_context_.run();
    } catch (const std::exception& e) {
      spdlog::critical("worker {}: exception escaped a handler: {}", index_, e.what());
      spdlog::default_logger()->flush();
      std::terminate();
    } catch (...) {
      spdlog::critical("worker {}: non-standard exception escaped a handler", index_);
      spdlog::default_logger()->flush();
      std::terminate();
    }
  });
}

const hubcore::HubIndex* Worker::FindIndex(const std::string& hub) const {
  CheckOwnerThread();
  auto it = indexes_.find(hub);
  return it == indexes_.end() ? nullptr : &it->second;
}

void Worker::ScheduleTick() {
  tick_timer_.expires_after(std::chrono::seconds(1));
  tick_timer_.async_wait([this](error_code ec) {
    if (ec) {
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    ForEachSession([now](TickedSession& session) { session.OnTick(now); });
    ScheduleTick();
  });
}

void Worker::ForEachSession(absl::FunctionRef<void(TickedSession&)> fn) {
  // A session may remove itself (or others) from the set; walk a snapshot.
  std::vector<TickedSession*> snapshot(sessions_.begin(), sessions_.end());
  for (TickedSession* session : snapshot) {
    if (sessions_.contains(session)) {
      fn(*session);
    }
  }
}

void Worker::FinishDrain() {
  drain_step_timer_.cancel();
  if (on_drained_) {
    auto drained = std::move(on_drained_);
    on_drained_ = nullptr;
    drained();
  }
}

void Worker::RemoveSession(TickedSession* session) {
  CheckOwnerThread();
  sessions_.erase(session);
  if (sessions_.empty()) {
    FinishDrain();
  }
}

void Worker::AddSession(TickedSession* session) {
  CheckOwnerThread();
  sessions_.insert(session);
  if (draining_) {
    // Upgraded while the gateway drains: close it too (on a later turn, not from inside Run).
    Post([this, session] {
      if (sessions_.contains(session)) {
        session->CloseForShutdown();
      }
    });
  }
}

namespace {
constexpr std::chrono::milliseconds kDrainStep{50};
}  // namespace

void Worker::Drain(std::chrono::milliseconds window, std::chrono::milliseconds deadline) {
  if (!thread_.joinable()) {
    return;
  }
  std::promise<void> drained;
  auto deadline_timer = std::make_shared<net::steady_timer>(io_context_);
  Post([this, &drained, window, deadline, deadline_timer] {
    draining_ = true;
    on_drained_ = [&drained, deadline_timer] {
      deadline_timer->cancel();
      drained.set_value();
    };
    deadline_timer->expires_after(deadline);
    deadline_timer->async_wait([this](error_code ec) {
      if (ec || !on_drained_) {
        return;
      }
      if (!sessions_.empty()) {
        spdlog::warn("worker {}: aborting {} connection(s) still open at the drain deadline",
                     index_, sessions_.size());
      }
      ForEachSession([](TickedSession& session) { session.AbortForShutdown(); });
      FinishDrain();
    });
    if (sessions_.empty()) {
      FinishDrain();
      return;
    }
    auto snapshot =
        std::make_shared<std::vector<TickedSession*>>(sessions_.begin(), sessions_.end());
    const size_t steps = std::max<size_t>(1, static_cast<size_t>(window / kDrainStep));
    const size_t batch = (snapshot->size() + steps - 1) / steps;
    spdlog::info("worker {}: closing {} connection(s) over {} ms", index_, snapshot->size(),
                 window.count());
    CloseNextBatch(std::move(snapshot), 0, batch);
  });
  drained.get_future().wait();
}

void Worker::CloseNextBatch(std::shared_ptr<std::vector<TickedSession*>> sessions, size_t next,
                            size_t batch) {
  const size_t end = std::min(sessions->size(), next + batch);
  for (size_t i = next; i < end; ++i) {
    // A session may have ended meanwhile (the pointer is then stale: only compare it).
    if (sessions_.contains((*sessions)[i])) {
      (*sessions)[i]->CloseForShutdown();
    }
  }
  if (end >= sessions->size() || !on_drained_) {
    return;
  }
  drain_step_timer_.expires_after(kDrainStep);
  drain_step_timer_.async_wait([this, sessions = std::move(sessions), end, batch](error_code ec) {
    if (!ec) {
      CloseNextBatch(sessions, end, batch);
    }
  });
}

void Worker::Stop() {
  if (!thread_.joinable()) {
    return;
  }
  Post([this] {
    tick_timer_.cancel();
    drain_step_timer_.cancel();
  });
  work_guard_.reset();
  io_context_.stop();
  thread_.join();
}

}  // namespace hubgate::gateway
