#pragma once

// What every backend's main() needs besides its hub: a gRPC server for the HubHandler service,
// an optional port file, and a clean shutdown on SIGINT/SIGTERM.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"

namespace hubgate::examples {

// Blocks SIGINT and SIGTERM in the calling thread and every thread started after it; call it
// first in main(), before gRPC or the HTTP server start threads. WaitForShutdownSignal() then
// takes the signal.
void BlockShutdownSignals();
// Waits for SIGINT or SIGTERM; returns its name.
std::string WaitForShutdownSignal();

// Starts a gRPC server with `service` (the backend's HubHandler) on `listen`, with server
// reflection so `buf curl` can call it by hand. *port receives the bound port.
absl::StatusOr<std::unique_ptr<grpc::Server>> StartGrpcServer(const std::string& listen,
                                                              grpc::Service& service, int* port);

// Writes {"grpc":N,"http":N} to `path` atomically (through a temporary file) for scripts and
// tests that start the backend with port 0. Does nothing when path is empty.
bool WritePortFile(const std::string& path, int grpc_port, int http_port);

}  // namespace hubgate::examples
