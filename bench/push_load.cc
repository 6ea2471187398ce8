#include "bench/push_load.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "bench/bench_payload.h"
#include "grpcpp/grpcpp.h"
#include "hubgate/v1/push.grpc.pb.h"

namespace hubgate::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kCallDeadline = std::chrono::seconds(30);

// Results shared by the sender threads and gRPC's callback threads.
struct Tally {
  std::mutex mutex;
  PushLoad::CallStats stats;  // guarded by mutex

  void Record(const grpc::Status& status, Clock::time_point started, uint64_t queued,
              bool not_found) {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
    std::lock_guard lock(mutex);
    stats.latencies_us.push_back(static_cast<uint32_t>(micros));
    if (status.ok()) {
      ++stats.ok;
      stats.queued_connections += queued;
      stats.not_found += not_found ? 1 : 0;
    } else {
      ++stats.failed;
      if (stats.first_error.empty()) {
        stats.first_error = std::to_string(status.error_code()) + ": " + status.error_message();
      }
    }
  }
};

// At most `limit` calls outstanding on one channel.
class Window {
 public:
  explicit Window(int limit) : limit_(limit) {}
  void Acquire() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return in_flight_ < limit_; });
    ++in_flight_;
  }
  void Release() {
    // Notified under the lock: once Drain() returns, the owner may destroy the window.
    std::lock_guard lock(mutex_);
    --in_flight_;
    cv_.notify_all();
  }
  void Drain() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return in_flight_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int in_flight_ = 0;
  const int limit_;
};

}  // namespace

struct PushLoad::Impl {
  std::string hub;
  std::vector<std::unique_ptr<v1::Push::Stub>> stubs;

  // Runs `total` calls over the channels; issue(k, stub, window, tally) starts call k and must
  // Release() the window when it completes.
  template <typename Issue>
  CallStats Run(uint64_t total, double rate, int inflight, Issue issue) {
    Tally tally;
    std::atomic<uint64_t> next{0};
    const Clock::time_point start = Clock::now();
    std::vector<std::thread> senders;
    for (auto& stub : stubs) {
      senders.emplace_back([&, stub = stub.get()] {
        Window window(std::max(1, inflight));
        for (;;) {
          const uint64_t k = next.fetch_add(1);
          if (k >= total) {
            break;
          }
          if (rate > 0) {
            std::this_thread::sleep_until(
                start + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(static_cast<double>(k) / rate)));
          }
          window.Acquire();
          issue(k, *stub, window, tally);
        }
        window.Drain();
      });
    }
    for (auto& sender : senders) {
      sender.join();
    }
    CallStats stats = std::move(tally.stats);
    stats.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return stats;
  }
};

PushLoad::PushLoad(const std::string& address, std::string hub, int channels)
    : impl_(std::make_unique<Impl>()) {
  impl_->hub = std::move(hub);
  for (int i = 0; i < std::max(1, channels); ++i) {
    grpc::ChannelArguments arguments;
    // Separate channels get separate HTTP/2 connections only with distinct arguments or a
    // local subchannel pool.
    arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    arguments.SetInt("hubgate.bench.channel", i);
    auto channel =
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), arguments);
    impl_->stubs.push_back(v1::Push::NewStub(channel));
  }
}

PushLoad::~PushLoad() = default;

PushLoad::CallStats PushLoad::JoinGroups(
    const std::vector<std::pair<std::string, std::string>>& memberships, int inflight) {
  struct Call {
    grpc::ClientContext context;
    v1::GroupMembershipRequest request;
    v1::GroupMembershipResponse response;
    Clock::time_point started;
  };
  return impl_->Run(memberships.size(), 0, inflight,
                    [&](uint64_t k, v1::Push::Stub& stub, Window& window, Tally& tally) {
                      auto* call = new Call;
                      call->request.set_hub(impl_->hub);
                      call->request.set_connection_id(memberships[k].first);
                      call->request.set_group(memberships[k].second);
                      call->context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
                      call->started = Clock::now();
                      stub.async()->AddToGroup(
                          &call->context, &call->request, &call->response,
                          [call, &window, &tally](grpc::Status status) {
                            tally.Record(status, call->started, 0,
                                         !call->response.connection_found());
                            delete call;
                            window.Release();
                          });
                    });
}

PushLoad::CallStats PushLoad::Send(const SendOptions& options) {
  struct Call {
    grpc::ClientContext context;
    v1::SendRequest request;
    v1::SendResponse response;
    Clock::time_point started;
  };
  return impl_->Run(
      options.pushes, options.rate, options.inflight,
      [&](uint64_t k, v1::Push::Stub& stub, Window& window, Tally& tally) {
        auto* call = new Call;
        call->request.set_hub(impl_->hub);
        call->request.set_method(options.method);
        if (options.group_of) {
          call->request.mutable_group()->set_group(options.group_of(k));
        } else {
          call->request.mutable_all();
        }
        call->request.set_arguments_json(BenchPayload(options.payload_bytes));
        call->context.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
        call->started = Clock::now();
        stub.async()->Send(&call->context, &call->request, &call->response,
                           [call, &window, &tally](grpc::Status status) {
                             tally.Record(status, call->started,
                                          call->response.queued_connections(), false);
                             delete call;
                             window.Release();
                           });
      });
}

}  // namespace hubgate::bench
