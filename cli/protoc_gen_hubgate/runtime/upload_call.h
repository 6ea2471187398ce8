#pragma once

// The reactor behind a generated hub's InvokeWithUploads: reads the invocation, hands it to the
// generated dispatch (which decodes the arguments and calls the hub method with its
// StreamReaders and Reply), then feeds each upload item and completion to its stream. One gRPC
// read is outstanding at a time, so a slow method holds the client back through the gateway's
// bounded buffer (stream_buffer_capacity).

#include <cstdint>
#include <functional>
#include <memory>

#include "cli/protoc_gen_hubgate/runtime/reply.h"
#include "cli/protoc_gen_hubgate/runtime/stream_reader.h"
#include "grpcpp/grpcpp.h"
#include "hubgate/v1/hub_handler.pb.h"

namespace hubgate::typed {

class UploadCall {
 public:
  // Creates the streams the method reads (`upload` of them), then calls the method.
  using Dispatch = std::function<void(const v1::InvokeRequest& request, UploadCall& call,
                                      ReplyCore reply)>;

  static grpc::ServerReadReactor<v1::UploadMessage>* Start(v1::InvokeResponse* response,
                                                           Dispatch dispatch);

  virtual ~UploadCall() = default;
  // Stream `index` (its upload field's position among the method's upload fields).
  virtual std::shared_ptr<UploadStreamState> Stream(uint32_t index) = 0;
};

}  // namespace hubgate::typed
