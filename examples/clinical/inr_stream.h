#pragma once

// StreamINRReadings: a server stream (SignalR connection.stream(...)) of a patient's INR
// readings, one every `interval`, until the client stops it.
//
// The stream never ends by itself. When the client disposes its subscription (or disconnects),
// the gateway cancels the gRPC call; gRPC then calls OnCancel() and the reactor finishes.
// Timers run on `timers` (an io_context with one thread, owned by main): gRPC threads are never
// blocked by sleeps.

#include <chrono>
#include <string>

#include "grpcpp/grpcpp.h"
#include "hubgate/v1/hub_handler.pb.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace hubgate::examples::clinical {

class ClinicalState;

using StreamReactor = grpc::ServerWriteReactor<v1::StreamInvokeResponse>;

// The reactor for one StreamINRReadings call; it deletes itself when gRPC is done with it.
StreamReactor* StartInrStream(boost::asio::io_context& timers, std::chrono::milliseconds interval,
                              std::string patient_id, ClinicalState& state);

// A stream that ends at once: with a client-visible error when `hub_error` is set, else with
// the gRPC status `status`.
StreamReactor* FinishedStream(const std::string& hub_error,
                              grpc::Status status = grpc::Status::OK);

}  // namespace hubgate::examples::clinical
