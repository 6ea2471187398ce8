#pragma once

// Reply<T>: how a generated hub method answers an invoke(). Exactly one of Return, HubError,
// Exception or Fail finishes the call; it may be called later and from any thread (the gRPC
// reaction that started the method must not block). A Reply destroyed unanswered fails the
// call, so a forgotten path never leaves the client waiting.

#include <string>
#include <type_traits>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "google/protobuf/empty.pb.h"
#include "grpcpp/grpcpp.h"
#include "cli/protoc_gen_hubgate/runtime/value_codec.h"
#include "hubgate/v1/contract.pb.h"
#include "hubgate/v1/hub_handler.pb.h"

namespace hubgate::typed {

// The untyped part, shared by every Reply<T>.
class ReplyCore {
 public:
  // Sends the call's response and status; runs at most once.
  using Finisher = absl::AnyInvocable<void(v1::InvokeResponse, const grpc::Status&)>;

  // A unary Invoke: writes `response` and finishes `reactor`.
  ReplyCore(grpc::ServerUnaryReactor* reactor, v1::InvokeResponse* response);
  explicit ReplyCore(Finisher finish) : finish_(std::move(finish)) {}
  ReplyCore(ReplyCore&& other) noexcept : finish_(std::exchange(other.finish_, nullptr)) {}
  ReplyCore& operator=(ReplyCore&&) = delete;
  ~ReplyCore();

  void ReturnValue(v1::Value value);
  void ReturnVoid();
  // A client-visible error (the HubException analogue).
  void HubError(std::string message);
  // An exception of `type`: the client sees its message only with detailed errors.
  void Exception(std::string type, std::string message);
  // Any other failure: the client sees the generic text only.
  void Fail(const grpc::Status& status);
  bool answered() const { return finish_ == nullptr; }

 private:
  void Finish(v1::InvokeResponse response, const grpc::Status& status);

  Finisher finish_;
};

template <typename T>
class Reply {
 public:
  Reply(grpc::ServerUnaryReactor* reactor, v1::InvokeResponse* response,
        v1::ResultMapping mapping, v1::WireNaming naming)
      : core_(reactor, response), mapping_(mapping), naming_(naming) {}
  Reply(ReplyCore core, v1::ResultMapping mapping, v1::WireNaming naming)
      : core_(std::move(core)), mapping_(mapping), naming_(naming) {}

  // The method's result.
  void Return(const T& value)
    requires(!std::is_same_v<T, google::protobuf::Empty>)
  {
    core_.ReturnValue(EncodeResult(value, mapping_, naming_));
  }
  // A void method's completion.
  void Return()
    requires std::is_same_v<T, google::protobuf::Empty>
  {
    core_.ReturnVoid();
  }
  void HubError(std::string message) { core_.HubError(std::move(message)); }
  void Exception(std::string type, std::string message) {
    core_.Exception(std::move(type), std::move(message));
  }
  void Fail(const grpc::Status& status) { core_.Fail(status); }

 private:
  ReplyCore core_;
  v1::ResultMapping mapping_;
  v1::WireNaming naming_;
};

}  // namespace hubgate::typed
