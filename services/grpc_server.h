#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "hubcore/publisher.h"
#include "hubcore/push_api_options.h"
#include "services/push_api_refusal_observer.h"

namespace hubgate::services {

// The gateway's gRPC server: the Push API, server reflection and the standard health service.
// This header stays free of gRPC includes so the gateway's main can use it cheaply.
class GrpcServer {
 public:
  // Binds `listen` ("host:port"; port 0 picks a free one) and starts serving. `security`
  // holds the API keys and TLS files (read here; errors name the file); the default is a
  // plaintext server without keys, which the configuration only allows on loopback.
  static absl::StatusOr<std::unique_ptr<GrpcServer>> Start(
      const std::string& listen, hubcore::Publisher& publisher,
      const hubcore::PushApiOptions& security = {}, PushApiRefusalObserver on_refusal = {});
  ~GrpcServer();

  int port() const;
  // Marks the health service NOT_SERVING (draining) or SERVING.
  void SetServing(bool serving);
  // Stops accepting calls and waits up to the deadline for running ones.
  void Shutdown(std::chrono::milliseconds deadline);

 private:
  struct Impl;
  explicit GrpcServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hubgate::services
