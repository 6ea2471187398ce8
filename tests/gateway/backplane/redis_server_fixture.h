#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gateway/ops/net.h"

namespace hubgate::gateway::testing {

// A free loopback TCP port (bound to port 0 and released; the caller binds it right away).
uint16_t FreeLoopbackPort();

// Runs io_context until done() holds or timeout passes; true when done() held. Every step waits
// for an event (a completion or the deadline), never a fixed sleep.
bool RunUntil(net::io_context& io_context, const std::function<bool()>& done,
              std::chrono::milliseconds timeout = std::chrono::seconds(10));

// One /usr/bin/redis-server on 127.0.0.1 and a free port, persistence off, started and stopped by
// the test. Start waits for the server's "Ready to accept connections" line on its stdout.
class RedisServerProcess {
 public:
  explicit RedisServerProcess(std::vector<std::string> extra_args = {});
  ~RedisServerProcess();
  RedisServerProcess(const RedisServerProcess&) = delete;
  RedisServerProcess& operator=(const RedisServerProcess&) = delete;

  // Starts (again, on the same port after Stop). Fails the test (and returns false) when the
  // server does not get ready within 10 s.
  bool Start();
  // SIGTERM, then waits for the process to end (the port is free again afterwards).
  void Stop();

  uint16_t port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  bool running() const { return pid_ > 0; }

 private:
  std::vector<std::string> extra_args_;
  uint16_t port_;
  pid_t pid_ = -1;
  bool started_once_ = false;
  int port_attempts_ = 0;
};

// Three cluster-enabled redis-servers joined by `redis-cli --cluster create` (3 masters, no
// replicas), each with its own config file in a temporary directory removed at the end.
class RedisClusterProcesses {
 public:
  RedisClusterProcesses();
  ~RedisClusterProcesses();

  // Starts the nodes, creates the cluster and waits until every node says cluster_state:ok.
  bool Start();
  std::vector<std::string> addresses() const;
  RedisServerProcess& node(size_t index) { return *nodes_[index]; }

 private:
  std::string directory_;
  std::vector<std::unique_ptr<RedisServerProcess>> nodes_;
};

// Runs a command line through /bin/sh; its stdout.
std::string RunCommand(const std::string& command_line);

}  // namespace hubgate::gateway::testing
