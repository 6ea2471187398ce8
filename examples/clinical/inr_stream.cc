#include "examples/clinical/inr_stream.h"

#include <utility>

#include "boost/asio/io_context.hpp"
#include "boost/asio/post.hpp"
#include "boost/asio/steady_timer.hpp"
#include "boost/json.hpp"
#include "examples/clinical/clinical_state.h"
#include "examples/common/values.h"
#include "spdlog/spdlog.h"

namespace hubgate::examples::clinical {
namespace {

namespace asio = boost::asio;

// A deterministic pseudo reading: 2.0, 2.1, ..., 2.9, 2.0, ...
double InrValue(std::uint64_t n) { return static_cast<double>(20 + n % 10) / 10.0; }

// Threading: gRPC calls the reactions (OnWriteDone, OnCancel, OnDone) on its own threads. Each
// reaction only posts to the timer thread, which owns every member below, so no locks are
// needed and a reaction never blocks. Posts run in order, and OnDone is gRPC's last reaction,
// so the reactor is deleted after everything else has run.
class InrStream final : public StreamReactor {
 public:
  InrStream(asio::io_context& timers, std::chrono::milliseconds interval, std::string patient_id,
            ClinicalState& state)
      : timers_(timers),
        timer_(timers),
        interval_(interval),
        patient_id_(std::move(patient_id)),
        state_(state) {
    state_.StreamStarted();
    spdlog::info("stream for patient {} started", patient_id_);
    asio::post(timers_, [this] { WriteReading(); });  // the first reading right away
  }

  // grpc::ServerWriteReactor
  void OnWriteDone(bool ok) override {
    asio::post(timers_, [this, ok] {
      write_pending_ = false;
      if (finish_requested_) {
        Finish(finish_status_);  // was waiting for this write
      } else if (!ok) {
        RequestFinish(grpc::Status(grpc::StatusCode::CANCELLED, "write failed"), false);
      } else {
        ScheduleNext();
      }
    });
  }

  void OnCancel() override {
    asio::post(timers_, [this] {
      // The client stopped the stream: SignalR CancelInvocation, or the connection closed.
      spdlog::info("stream for patient {} cancelled after {} reading(s)", patient_id_, sent_);
      RequestFinish(grpc::Status::CANCELLED, true);
    });
  }

  void OnDone() override {
    asio::post(timers_, [this] {
      done_ = true;
      timer_.cancel();
      DeleteWhenIdle();
    });
  }

 private:
  void ScheduleNext() {
    timer_pending_ = true;
    timer_.expires_after(interval_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
      timer_pending_ = false;
      if (done_) {
        DeleteWhenIdle();
      } else if (!ec && !finish_requested_) {
        WriteReading();
      }
    });
  }

  void WriteReading() {
    if (finish_requested_) {
      return;
    }
    const boost::json::object reading{
        {"patientId", patient_id_}, {"inr", InrValue(sent_)}, {"at", NowIso8601()}};
    *response_.mutable_item() = FromJson(reading);
    ++sent_;
    write_pending_ = true;
    StartWrite(&response_);  // one write at a time; OnWriteDone schedules the next
  }

  // Every call must be finished exactly once, even a cancelled one. Finishing waits for a
  // write in flight.
  void RequestFinish(grpc::Status status, bool cancelled) {
    if (finish_requested_) {
      return;
    }
    finish_requested_ = true;
    state_.StreamEnded(cancelled);
    finish_status_ = std::move(status);
    timer_.cancel();
    if (!write_pending_) {
      Finish(finish_status_);
    }
  }

  void DeleteWhenIdle() {
    if (done_ && !timer_pending_) {
      delete this;
    }
  }

  asio::io_context& timers_;
  asio::steady_timer timer_;
  const std::chrono::milliseconds interval_;
  const std::string patient_id_;
  ClinicalState& state_;

  v1::StreamInvokeResponse response_;
  std::uint64_t sent_ = 0;
  bool write_pending_ = false;
  bool timer_pending_ = false;
  bool finish_requested_ = false;
  grpc::Status finish_status_;
  bool done_ = false;
};

// Ends the call right away, e.g. for invalid arguments.
class ImmediateEnd final : public StreamReactor {
 public:
  ImmediateEnd(const std::string& hub_error, grpc::Status status) {
    if (hub_error.empty()) {
      Finish(status);
    } else {
      response_.mutable_error()->set_message(hub_error);
      StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
    }
  }
  void OnDone() override { delete this; }

 private:
  v1::StreamInvokeResponse response_;
};

}  // namespace

StreamReactor* StartInrStream(asio::io_context& timers, std::chrono::milliseconds interval,
                              std::string patient_id, ClinicalState& state) {
  return new InrStream(timers, interval, std::move(patient_id), state);
}

StreamReactor* FinishedStream(const std::string& hub_error, grpc::Status status) {
  return new ImmediateEnd(hub_error, std::move(status));
}

}  // namespace hubgate::examples::clinical
