#pragma once

// StreamWriter<T>: how a generated hub method feeds a stream() call. Copies share one stream;
// Write, Complete, HubError, Exception and Fail may be called from any thread. Items are sent
// in order, one gRPC write at a time; at most kMaxQueuedItems wait, beyond that Write refuses
// the item (returns false), as it does once the stream has ended or the client cancelled. When
// the last copy goes away without an ending, the stream fails (the client is never left waiting).

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"
#include "cli/protoc_gen_hubgate/runtime/value_codec.h"
#include "hubgate/v1/contract.pb.h"
#include "hubgate/v1/hub_handler.pb.h"

namespace hubgate::typed {

class StreamState;

// The untyped stream: owns the gRPC reactor's shared state.
class StreamChannel {
 public:
  static constexpr std::size_t kMaxQueuedItems = 1024;

  // A new stream and the reactor the generated StreamInvoke returns to gRPC.
  static std::shared_ptr<StreamChannel> Start(
      grpc::ServerWriteReactor<v1::StreamInvokeResponse>** reactor);

  explicit StreamChannel(std::shared_ptr<StreamState> state) : state_(std::move(state)) {}
  StreamChannel(const StreamChannel&) = delete;
  StreamChannel& operator=(const StreamChannel&) = delete;
  ~StreamChannel();

  bool WriteValue(v1::Value item);
  void Complete();
  void HubError(std::string message);
  void Exception(std::string type, std::string message);
  void Fail(const grpc::Status& status);
  // True once the client cancelled (or went away): stop producing.
  bool cancelled() const;
  // Runs once when the client cancels (on a gRPC thread; keep it short). Runs at once if the
  // stream is already cancelled.
  void OnCancel(std::function<void()> callback);

 private:
  std::shared_ptr<StreamState> state_;
};

template <typename T>
class StreamWriter {
 public:
  StreamWriter(std::shared_ptr<StreamChannel> channel, v1::ResultMapping mapping,
               v1::WireNaming naming)
      : channel_(std::move(channel)), mapping_(mapping), naming_(naming) {}

  // Queues one item; false when it was refused (stream ended, cancelled, or queue full).
  bool Write(const T& item) const {
    return channel_->WriteValue(EncodeResult(item, mapping_, naming_));
  }
  void Complete() const { channel_->Complete(); }
  void HubError(std::string message) const { channel_->HubError(std::move(message)); }
  void Exception(std::string type, std::string message) const {
    channel_->Exception(std::move(type), std::move(message));
  }
  void Fail(const grpc::Status& status) const { channel_->Fail(status); }
  bool cancelled() const { return channel_->cancelled(); }
  void OnCancel(std::function<void()> callback) const { channel_->OnCancel(std::move(callback)); }

 private:
  std::shared_ptr<StreamChannel> channel_;
  v1::ResultMapping mapping_;
  v1::WireNaming naming_;
};

}  // namespace hubgate::typed
