// posts-backend: the backend of the `posts` hub.
//
//   posts-backend --listen=127.0.0.1:50061 --gateway=127.0.0.1:50051 --http_listen=127.0.0.1:8090
//
// Serves the HubHandler gRPC service the gateway calls (configure the hub with
// backend_target: "127.0.0.1:50061"), calls the gateway's Push API, and offers
// POST /api/posts/{id}/publish. Stops on SIGINT/SIGTERM.
#include <chrono>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "examples/common/backend_main.h"
#include "examples/common/http_server.h"
#include "examples/common/push_client.h"
#include "examples/posts/posts_hub.h"
#include "examples/posts/posts_rest.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50061", "HubHandler gRPC server address (host:port)");
ABSL_FLAG(std::string, gateway, "127.0.0.1:50051", "The gateway's Push API address (host:port)");
ABSL_FLAG(std::string, http_listen, "127.0.0.1:8090", "REST API address (host:port)");
ABSL_FLAG(std::string, port_file, "", "Write {\"grpc\":N,\"http\":N} here once listening");

int main(int argc, char** argv) {
  using namespace hubgate::examples;

  absl::SetProgramUsageMessage("posts-backend: example hubgate backend for the `posts` hub");
  absl::ParseCommandLine(argc, argv);
  BlockShutdownSignals();  // before any thread starts

  absl::StatusOr<PushApiAccess> access = PushApiAccessFromFlags();
  if (!access.ok()) {
    spdlog::critical("{}", std::string(access.status().message()));
    return 2;
  }
  PushClient push(absl::GetFlag(FLAGS_gateway), *std::move(access));
  posts::PostsHub hub(push);
  posts::PostsRest rest(push);

  int grpc_port = 0;
  auto server = StartGrpcServer(absl::GetFlag(FLAGS_listen), hub, &grpc_port);
  if (!server.ok()) {
    spdlog::critical("{}", std::string(server.status().message()));
    return 1;
  }
  auto handler = [&rest](const HttpRequest& request) { return rest.Handle(request); };
  auto http = HttpServer::Start(absl::GetFlag(FLAGS_http_listen), handler);
  if (!http.ok()) {
    spdlog::critical("{}", std::string(http.status().message()));
    return 1;
  }
  if (!WritePortFile(absl::GetFlag(FLAGS_port_file), grpc_port, (*http)->port())) {
    spdlog::critical("cannot write port file {}", absl::GetFlag(FLAGS_port_file));
    return 1;
  }
  spdlog::info("posts-backend ready: grpc={} http={} gateway={}", grpc_port, (*http)->port(),
               absl::GetFlag(FLAGS_gateway));

  spdlog::info("received {}, shutting down", WaitForShutdownSignal());
  // In-flight hub calls get two seconds to finish; then they are cancelled.
  (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  http->reset();
  return 0;
}
