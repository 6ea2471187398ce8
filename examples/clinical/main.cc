// clinical-backend: the backend of the `clinical` hub.
//
//   clinical-backend --listen=127.0.0.1:50062 --gateway=127.0.0.1:50051
//                    --http_listen=127.0.0.1:8091 --inr_interval_ms=1000
//
// Serves the HubHandler gRPC service the gateway calls (configure the hub with
// backend_target: "127.0.0.1:50062" and require_auth: true), calls the gateway's Push API, and
// offers the REST actions in clinical_rest.h. Stops on SIGINT/SIGTERM.
#include <chrono>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "boost/asio/executor_work_guard.hpp"
#include "boost/asio/io_context.hpp"
#include "examples/clinical/clinical_hub.h"
#include "examples/clinical/clinical_rest.h"
#include "examples/clinical/clinical_state.h"
#include "examples/common/backend_main.h"
#include "examples/common/http_server.h"
#include "examples/common/push_client.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50062", "HubHandler gRPC server address (host:port)");
ABSL_FLAG(std::string, gateway, "127.0.0.1:50051", "The gateway's Push API address (host:port)");
ABSL_FLAG(std::string, http_listen, "127.0.0.1:8091", "REST API address (host:port)");
ABSL_FLAG(int, inr_interval_ms, 1000, "Interval between INR readings of StreamINRReadings");
ABSL_FLAG(std::string, port_file, "", "Write {\"grpc\":N,\"http\":N} here once listening");

int main(int argc, char** argv) {
  using namespace hubgate::examples;

  absl::SetProgramUsageMessage("clinical-backend: example hubgate backend for the `clinical` hub");
  absl::ParseCommandLine(argc, argv);
  const int interval_ms = absl::GetFlag(FLAGS_inr_interval_ms);
  if (interval_ms <= 0) {
    spdlog::critical("--inr_interval_ms must be positive");
    return 2;
  }
  BlockShutdownSignals();  // before any thread starts

  // The INR streams' timers run on this io_context, on a thread of their own (started below),
  // never on gRPC's threads.
  boost::asio::io_context timers(1);
  auto keep_running = boost::asio::make_work_guard(timers);

  absl::StatusOr<PushApiAccess> access = PushApiAccessFromFlags();
  if (!access.ok()) {
    spdlog::critical("{}", std::string(access.status().message()));
    return 2;
  }
  PushClient push(absl::GetFlag(FLAGS_gateway), *std::move(access));
  clinical::ClinicalState state;
  clinical::ClinicalHub hub(push, state, timers, std::chrono::milliseconds(interval_ms));
  clinical::ClinicalRest rest(push, state);

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
  std::thread timer_thread([&timers] { timers.run(); });
  spdlog::info("clinical-backend ready: grpc={} http={} gateway={}", grpc_port, (*http)->port(),
               absl::GetFlag(FLAGS_gateway));

  spdlog::info("received {}, shutting down", WaitForShutdownSignal());
  // Shutdown cancels open streams; their reactors finish on the timer thread, which therefore
  // keeps running until the gRPC server is done.
  (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  http->reset();
  keep_running.reset();
  timers.stop();
  timer_thread.join();
  return 0;
}
