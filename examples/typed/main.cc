// roundtrip-backend: the backend of the typed `roundtrip` hub (roundtrip.proto), written on the
// C++ that protoc-gen-hubgate generates.
//
//   roundtrip-backend --listen=127.0.0.1:50063 --gateway=127.0.0.1:50051
//
// Serves the HubHandler the gateway calls (backend_target: "127.0.0.1:50063") and reaches the
// gateway's Push API for pushes and client results. Stops on SIGINT/SIGTERM.
#include <chrono>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "examples/common/backend_main.h"
#include "examples/common/push_api_access.h"
#include "examples/typed/roundtrip_hub.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50063", "HubHandler gRPC server address (host:port)");
ABSL_FLAG(std::string, gateway, "127.0.0.1:50051", "The gateway's Push API address (host:port)");

int main(int argc, char** argv) {
  using namespace hubgate::examples;

  absl::SetProgramUsageMessage("roundtrip-backend: typed example backend for `roundtrip`");
  absl::ParseCommandLine(argc, argv);
  BlockShutdownSignals();  // before any thread starts

  absl::StatusOr<PushApiAccess> access = PushApiAccessFromFlags();
  if (!access.ok()) {
    spdlog::critical("{}", std::string(access.status().message()));
    return 2;
  }
  std::unique_ptr<hubgate::v1::Push::Stub> push = hubgate::v1::Push::NewStub(
      grpc::CreateChannel(absl::GetFlag(FLAGS_gateway), access->credentials));
  roundtrip::v1::RoundTripClientClients clients(*push, {.api_key = access->api_key});
  typed::RoundTripHub hub(clients);

  int grpc_port = 0;
  auto server = StartGrpcServer(absl::GetFlag(FLAGS_listen), hub, &grpc_port);
  if (!server.ok()) {
    spdlog::critical("{}", std::string(server.status().message()));
    return 1;
  }
  spdlog::info("roundtrip-backend ready: grpc={} gateway={}", grpc_port,
               absl::GetFlag(FLAGS_gateway));
  spdlog::info("received {}, shutting down", WaitForShutdownSignal());
  (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}
