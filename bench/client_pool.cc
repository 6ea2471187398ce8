#include "bench/client_pool.h"

#include <algorithm>
#include <boost/asio.hpp>
#include <mutex>

#include "bench/client_connection.h"
#include "bench/client_pool_internal.h"

namespace hubgate::bench {

void Worker::Pump() {
  while (pending_connects > 0 && connects_in_flight < pool.options.connect_window) {
    --pending_connects;
    ++connects_in_flight;
    const uint64_t number =
        next_connection_number++ * pool.workers.size() + static_cast<uint64_t>(index);
    auto connection = std::make_shared<Connection>(*this, number);
    net::co_spawn(io, connection->Run(), net::detached);
  }
}

void Worker::OnConnectFinished() {
  --connects_in_flight;
  Pump();
}

void Worker::StartPingTimer() {
  ping_timer.expires_after(std::chrono::seconds(1));
  ping_timer.async_wait([this](error_code ec) {
    if (!ec) {
      OnPingTick();
      StartPingTimer();
    }
  });
}

// Each second pings the connections whose turn it is, so every connection sends a ping once
// per ping_interval and the pings are spread over the interval.
void Worker::OnPingTick() {
  const uint64_t slots = std::max<int64_t>(1, pool.options.ping_interval.count());
  const uint64_t slot = ping_tick++ % slots;
  for (const auto& connection : connections) {
    if (connection->number() % slots == slot && connection->open() && !connection->writing()) {
      connection->SendPing();
    }
  }
}

ClientPool::ClientPool(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {
  const int threads = std::max(1, impl_->options.threads);
  for (int i = 0; i < threads; ++i) {
    impl_->workers.push_back(std::make_unique<Worker>(*impl_, i));
  }
  for (auto& worker : impl_->workers) {
    Worker* w = worker.get();
    w->StartPingTimer();
    w->thread = std::thread([w] { w->io.run(); });
  }
}

ClientPool::~ClientPool() { Stop(); }

void ClientPool::Connect(uint64_t count) {
  const uint64_t threads = impl_->workers.size();
  for (uint64_t i = 0; i < threads; ++i) {
    const uint64_t share = count / threads + (i < count % threads ? 1 : 0);
    Worker* w = impl_->workers[i].get();
    net::post(w->io, [w, share] {
      w->pending_connects += share;
      w->Pump();
    });
  }
}

ClientPool::Counters ClientPool::counters() const {
  Counters total;
  for (const auto& w : impl_->workers) {
    total.connected += w->connected.Get();
    total.connect_failed += w->connect_failed.Get();
    total.closed += w->closed.Get();
    total.deliveries += w->deliveries.Get();
    total.other_records += w->other_records.Get();
    total.server_pings += w->server_pings.Get();
    total.close_messages += w->close_messages.Get();
    total.invokes_done += w->invokes_done.Get();
    total.invoke_errors += w->invoke_errors.Get();
    total.malformed += w->malformed.Get();
  }
  return total;
}

std::string ClientPool::first_error() const {
  std::lock_guard lock(impl_->error_mutex);
  return impl_->first_error;
}

std::vector<std::string> ClientPool::ConnectionIds() const {
  std::vector<std::string> ids;
  for (const auto& w : impl_->workers) {
    std::lock_guard lock(w->ids_mutex);
    ids.insert(ids.end(), w->ids.begin(), w->ids.end());
  }
  return ids;
}

void ClientPool::StartInvokes(uint64_t total) {
  impl_->invoke_total.store(total);
  for (auto& worker : impl_->workers) {
    Worker* w = worker.get();
    net::post(w->io, [w] {
      for (const auto& connection : w->connections) {
        connection->StartInvoke();
      }
    });
  }
}

void ClientPool::Stop() {
  if (impl_->stopped.exchange(true)) {
    return;
  }
  for (auto& w : impl_->workers) {
    w->io.stop();
  }
  for (auto& w : impl_->workers) {
    if (w->thread.joinable()) {
      w->thread.join();
    }
  }
}

std::vector<uint32_t> ClientPool::TakeDeliveryLatencies() {
  std::vector<uint32_t> all;
  for (auto& w : impl_->workers) {
    all.insert(all.end(), w->delivery_latencies.begin(), w->delivery_latencies.end());
    std::vector<uint32_t>().swap(w->delivery_latencies);
  }
  return all;
}

std::vector<uint32_t> ClientPool::TakeInvokeLatencies() {
  std::vector<uint32_t> all;
  for (auto& w : impl_->workers) {
    all.insert(all.end(), w->invoke_latencies.begin(), w->invoke_latencies.end());
    std::vector<uint32_t>().swap(w->invoke_latencies);
  }
  return all;
}

}  // namespace hubgate::bench
