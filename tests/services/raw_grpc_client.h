#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"

namespace hubgate::services {

// Calls the standard gRPC health and reflection services without their generated stubs (Debian
// ships neither .proto), by writing the few protobuf bytes involved by hand.
class RawGrpcClient {
 public:
  // grpc.health.v1.HealthCheckResponse.ServingStatus, or kCallFailed.
  static constexpr int kCallFailed = -1;
  static constexpr int kServing = 1;
  static constexpr int kNotServing = 2;

  explicit RawGrpcClient(std::shared_ptr<grpc::Channel> channel) : stub_(std::move(channel)) {}

  int HealthCheck(const std::string& service) {
    // HealthCheckRequest { string service = 1; }
    std::string request;
    if (!service.empty()) {
      request = std::string("\x0a", 1) + static_cast<char>(service.size()) + service;
    }
    grpc::ByteBuffer request_buffer = ToBuffer(request);
    grpc::ByteBuffer response_buffer;
    grpc::ClientContext context;
    SetDeadline(context);
    std::promise<grpc::Status> done;
    stub_.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(),
                    &request_buffer, &response_buffer,
                    [&done](grpc::Status status) { done.set_value(std::move(status)); });
    if (!done.get_future().get().ok()) {
      return kCallFailed;
    }
    // HealthCheckResponse { ServingStatus status = 1; }: 0x08 <varint>, empty when UNKNOWN (0).
    std::string response = FromBuffer(response_buffer);
    if (response.empty()) {
      return 0;
    }
    return response.size() == 2 && response[0] == '\x08' ? response[1] : kCallFailed;
  }

  // The raw ServerReflectionResponse to a list_services request ("" when the call fails).
  std::string ReflectionListServices() {
    grpc::CompletionQueue queue;
    grpc::ClientContext context;
    SetDeadline(context);
    auto call = stub_.PrepareCall(
        &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &queue);
    int tag = 0;
    auto step = [&queue, &tag] {
      void* got = nullptr;
      bool ok = false;
      return queue.Next(&got, &ok) && got == &tag && ok;
    };
    call->StartCall(&tag);
    if (!step()) {
      return "";
    }
    // ServerReflectionRequest { string list_services = 7; } with an empty string.
    call->Write(ToBuffer(std::string("\x3a\x00", 2)), &tag);
    if (!step()) {
      return "";
    }
    grpc::ByteBuffer response;
    call->Read(&response, &tag);
    const bool read = step();
    call->WritesDone(&tag);
    step();
    grpc::Status status;
    call->Finish(&status, &tag);
    step();
    queue.Shutdown();
    void* ignored_tag = nullptr;
    bool ignored_ok = false;
    while (queue.Next(&ignored_tag, &ignored_ok)) {
    }
    return read && status.ok() ? FromBuffer(response) : "";
  }

 private:
  static void SetDeadline(grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  }

  static grpc::ByteBuffer ToBuffer(const std::string& bytes) {
    grpc::Slice slice(bytes);
    return grpc::ByteBuffer(&slice, 1);
  }

  static std::string FromBuffer(const grpc::ByteBuffer& buffer) {
    std::vector<grpc::Slice> slices;
    std::string bytes;
    if (buffer.Dump(&slices).ok()) {
      for (const grpc::Slice& slice : slices) {
        bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
      }
    }
    return bytes;
  }

  grpc::GenericStub stub_;
};

}  // namespace hubgate::services
