#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "hubgate/v1/hub_handler.grpc.pb.h"
#include "tests/services/test_waiters.h"

namespace hubgate::services {

// An in-process HubHandler backend. Its methods (see Describe) behave by name:
//   Invoke: Echo (returns its first argument), Void, Null (a result without kind), Throw (hub
//     error "Bad"), Deny (PERMISSION_DENIED "nope"), Hang (finishes only when cancelled).
//   StreamInvoke: Count (items 0..n-1 for argument n), StreamFail (item "a", error "stream
//     broke", item "b"), Endless (item "first", then waits for cancellation).
//   InvokeWithUploads: Upload (2 streams; records every message, returns the item count).
//   OnConnected: connection "c-reject" is rejected with "Go away", "c-fail" fails UNAVAILABLE.
class FakeHubHandler final : public v1::HubHandler::CallbackService {
 public:
  grpc::ServerUnaryReactor* Describe(grpc::CallbackServerContext* context,
                                     const v1::DescribeRequest* request,
                                     v1::HubDescription* response) override {
    describes.Add(*request);
    auto add = [response](const char* name, v1::MethodDescription::Kind kind, uint32_t uploads) {
      v1::MethodDescription* method = response->add_methods();
      method->set_name(name);
      method->set_kind(kind);
      method->set_upload_streams(uploads);
    };
    for (const char* name : {"Echo", "Void", "Null", "Throw", "Deny", "Hang"}) {
      add(name, v1::MethodDescription::KIND_INVOKE, 0);
    }
    for (const char* name : {"Count", "StreamFail", "Endless"}) {
      add(name, v1::MethodDescription::KIND_STREAM, 0);
    }
    add("Upload", v1::MethodDescription::KIND_INVOKE, 2);
    add("echo", v1::MethodDescription::KIND_STREAM, 0);  // a case-insensitive duplicate
    return Finish(context, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* OnConnected(grpc::CallbackServerContext* context,
                                        const v1::ConnectedRequest* request,
                                        v1::ConnectedResponse* response) override {
    connects.Add(*request);
    const std::string& id = request->context().connection_id();
    if (id == "c-fail") {
      return Finish(context, grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
    }
    if (id == "c-reject") {
      response->set_rejection("Go away");
    }
    return Finish(context, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* OnDisconnected(grpc::CallbackServerContext* context,
                                           const v1::DisconnectedRequest* request,
                                           v1::DisconnectedResponse* /*response*/) override {
    disconnects.Add(*request);
    return Finish(context, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* Invoke(grpc::CallbackServerContext* context,
                                   const v1::InvokeRequest* request,
                                   v1::InvokeResponse* response) override {
    invokes.Add(*request);
    const std::string& method = request->method();
    if (method == "Hang") {
      return new HangReactor(this);
    }
    if (method == "Deny") {
      return Finish(context, grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "nope"));
    }
    if (method == "Echo") {
      *response->mutable_result() =
          request->arguments_size() > 0 ? request->arguments(0) : v1::Value();
    } else if (method == "Null") {
      response->mutable_result();
    } else if (method == "Throw") {
      response->mutable_error()->set_message("Bad");
    }
    return Finish(context, grpc::Status::OK);
  }

  grpc::ServerWriteReactor<v1::StreamInvokeResponse>* StreamInvoke(
      grpc::CallbackServerContext* /*context*/, const v1::InvokeRequest* request) override {
    invokes.Add(*request);
    std::vector<v1::StreamInvokeResponse> messages;
    auto item = [&messages]() { return messages.emplace_back().mutable_item(); };
    const std::string& method = request->method();
    if (method == "Count") {
      const int64_t n = request->arguments_size() > 0 ? request->arguments(0).int_value() : 0;
      for (int64_t i = 0; i < n; ++i) {
        item()->set_int_value(i);
      }
    } else if (method == "StreamFail") {
      item()->set_string_value("a");
      messages.emplace_back().mutable_error()->set_message("stream broke");
      item()->set_string_value("b");
    } else if (method == "Endless") {
      item()->set_string_value("first");
    }
    return new StreamWriter(this, std::move(messages), /*hang=*/method == "Endless");
  }

  grpc::ServerReadReactor<v1::UploadMessage>* InvokeWithUploads(
      grpc::CallbackServerContext* /*context*/, v1::InvokeResponse* response) override {
    auto* reader = new UploadReader(this, response);
    bool start = true;
    {
      std::lock_guard lock(mutex_);
      if (hold_uploads_) {
        held_.push_back(reader);
        start = false;
      }
    }
    if (start) {
      reader->Begin();
    }
    return reader;
  }

  // Upload calls wait before reading anything until ReleaseUploads().
  void HoldUploads() {
    std::lock_guard lock(mutex_);
    hold_uploads_ = true;
  }
  void ReleaseUploads() {
    std::vector<UploadReader*> held;
    {
      std::lock_guard lock(mutex_);
      hold_uploads_ = false;
      held.swap(held_);
    }
    for (UploadReader* reader : held) {
      reader->Begin();
    }
  }

  Recorder<v1::DescribeRequest> describes;
  Recorder<v1::ConnectedRequest> connects;
  Recorder<v1::DisconnectedRequest> disconnects;
  Recorder<v1::InvokeRequest> invokes;
  Recorder<v1::UploadMessage> uploads;
  Recorder<std::string> cancellations;  // method names of calls the server saw cancelled

 private:
  static grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context,
                                          const grpc::Status& status) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(status);
    return reactor;
  }

  class HangReactor final : public grpc::ServerUnaryReactor {
   public:
    explicit HangReactor(FakeHubHandler* owner) : owner_(owner) {}
    void OnCancel() override {
      owner_->cancellations.Add("Hang");
      Finish(grpc::Status::CANCELLED);
    }
    void OnDone() override { delete this; }

   private:
    FakeHubHandler* owner_;
  };

  class StreamWriter final : public grpc::ServerWriteReactor<v1::StreamInvokeResponse> {
   public:
    StreamWriter(FakeHubHandler* owner, std::vector<v1::StreamInvokeResponse> messages, bool hang)
        : owner_(owner), messages_(std::move(messages)), hang_(hang) {
      Next();
    }
    void OnWriteDone(bool ok) override {
      if (!ok) {
        FinishOnce(grpc::Status(grpc::StatusCode::UNKNOWN, "write failed"));
        return;
      }
      Next();
    }
    void OnCancel() override {
      owner_->cancellations.Add("stream");
      FinishOnce(grpc::Status::CANCELLED);
    }
    void OnDone() override { delete this; }

   private:
    void Next() {
      size_t index = 0;
      {
        std::lock_guard lock(mutex_);
        if (finished_) {
          return;
        }
        if (next_ == messages_.size()) {
          if (hang_) {
            return;  // until OnCancel
          }
          finished_ = true;
        }
        index = next_++;
      }
      if (index < messages_.size()) {
        StartWrite(&messages_[index]);
      } else {
        Finish(grpc::Status::OK);
      }
    }
    void FinishOnce(const grpc::Status& status) {
      {
        std::lock_guard lock(mutex_);
        if (finished_) {
          return;
        }
        finished_ = true;
      }
      Finish(status);
    }

    FakeHubHandler* owner_;
    std::vector<v1::StreamInvokeResponse> messages_;
    const bool hang_;
    std::mutex mutex_;
    size_t next_ = 0;
    bool finished_ = false;
  };

  class UploadReader final : public grpc::ServerReadReactor<v1::UploadMessage> {
   public:
    UploadReader(FakeHubHandler* owner, v1::InvokeResponse* response)
        : owner_(owner), response_(response) {}
    void Begin() { StartRead(&message_); }
    void OnReadDone(bool ok) override {
      if (ok) {
        if (message_.has_item()) {
          ++items_;
        }
        owner_->uploads.Add(message_);
        StartRead(&message_);
        return;
      }
      response_->mutable_result()->set_int_value(items_);
      Finish(grpc::Status::OK);  // after a cancellation gRPC reports CANCELLED regardless
    }
    void OnCancel() override { owner_->cancellations.Add("upload"); }
    void OnDone() override { delete this; }

   private:
    FakeHubHandler* owner_;
    v1::InvokeResponse* response_;
    v1::UploadMessage message_;
    int64_t items_ = 0;
  };

  std::mutex mutex_;
  bool hold_uploads_ = false;
  std::vector<UploadReader*> held_;
};

// A gRPC server around a FakeHubHandler, on `address` ("127.0.0.1:0", "unix:/path").
class FakeBackendServer {
 public:
  explicit FakeBackendServer(const std::string& address) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&handler_);
    server_ = builder.BuildAndStart();
  }
  ~FakeBackendServer() {
    if (server_ != nullptr) {
      server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
      server_->Wait();
    }
  }

  bool ok() const { return server_ != nullptr && port_ != 0; }
  int port() const { return port_; }
  FakeHubHandler& handler() { return handler_; }

 private:
  FakeHubHandler handler_;  // outlives the server
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

}  // namespace hubgate::services
