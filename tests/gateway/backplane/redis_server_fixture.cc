#include "tests/gateway/backplane/redis_server_fixture.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <thread>

namespace hubgate::gateway::testing {

using namespace std::chrono_literals;

uint16_t FreeLoopbackPort() {
  net::io_context io_context;
  tcp::acceptor acceptor(io_context, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  return acceptor.local_endpoint().port();
}

bool RunUntil(net::io_context& io_context, const std::function<bool()>& done,
              std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    auto left = deadline - std::chrono::steady_clock::now();
    if (left <= 0s) {
      return false;
    }
    if (io_context.stopped()) {
      io_context.restart();
    }
    io_context.run_one_for(std::min<std::chrono::steady_clock::duration>(left, 100ms));
  }
  return true;
}

RedisServerProcess::RedisServerProcess(std::vector<std::string> extra_args)
    : extra_args_(std::move(extra_args)), port_(FreeLoopbackPort()) {}

RedisServerProcess::~RedisServerProcess() { Stop(); }

bool RedisServerProcess::Start() {
  std::vector<std::string> args = {"/usr/bin/redis-server", "--port", std::to_string(port_),
                                   "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  int out[2];
  if (pipe(out) != 0) {
    ADD_FAILURE() << "pipe failed";
    return false;
  }
  pid_ = fork();
  if (pid_ == 0) {
    // A crashed or killed test takes its servers with it.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (std::string& arg : args) {
      argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  // Reads the server's log until it says it is ready; the pipe is then closed (redis-server
  // ignores SIGPIPE, so its later log lines are dropped rather than blocking it).
  std::string log;
  auto deadline = std::chrono::steady_clock::now() + 10s;
  bool ready = false;
  while (!ready && std::chrono::steady_clock::now() < deadline) {
    pollfd readable{out[0], POLLIN, 0};
    if (poll(&readable, 1, 100) <= 0) {
      continue;
    }
    char chunk[4096];
    ssize_t bytes = read(out[0], chunk, sizeof chunk);
    if (bytes <= 0) {
      break;
    }
    log.append(chunk, static_cast<size_t>(bytes));
    ready = log.find("Ready to accept connections") != std::string::npos;
  }
  close(out[0]);
  if (!ready && !started_once_ && log.find("Address already in use") != std::string::npos &&
      port_attempts_ < 3) {
    // Another test process took the free port first; a fresh one is fine before the first
    // start (a restart must keep its port).
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    ++port_attempts_;
    port_ = FreeLoopbackPort();
    return Start();
  }
  started_once_ = started_once_ || ready;
  if (!ready) {
    ADD_FAILURE() << "redis-server on port " << port_ << " did not start:\n" << log;
    Stop();
  }
  return ready;
}

void RedisServerProcess::Stop() {
  if (pid_ <= 0) {
    return;
  }
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string RunCommand(const std::string& command_line) {
  std::string output;
  FILE* pipe = popen(command_line.c_str(), "r");
  if (pipe == nullptr) {
    return output;
  }
  char chunk[4096];
  size_t bytes;
  while ((bytes = fread(chunk, 1, sizeof chunk, pipe)) > 0) {
    output.append(chunk, bytes);
  }
  pclose(pipe);
  return output;
}

RedisClusterProcesses::RedisClusterProcesses() {
  char pattern[] = "/tmp/hubgate-redis-cluster-XXXXXX";
  directory_ = mkdtemp(pattern);
  for (int i = 0; i < 3; ++i) {
    std::string config = directory_ + "/nodes-" + std::to_string(i) + ".conf";
    nodes_.push_back(std::make_unique<RedisServerProcess>(std::vector<std::string>{
        "--cluster-enabled", "yes", "--cluster-config-file", config, "--dir", directory_}));
  }
}

RedisClusterProcesses::~RedisClusterProcesses() {
  nodes_.clear();
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

std::vector<std::string> RedisClusterProcesses::addresses() const {
  std::vector<std::string> addresses;
  for (const auto& node : nodes_) {
    addresses.push_back(node->address());
  }
  return addresses;
}

bool RedisClusterProcesses::Start() {
  std::string create = "/usr/bin/redis-cli --cluster create";
  for (auto& node : nodes_) {
    if (!node->Start()) {
      return false;
    }
    create += " " + node->address();
  }
  create += " --cluster-replicas 0 --cluster-yes 2>&1";
  std::string created = RunCommand(create);
  // The cluster state converging on every node is the event; redis-cli is how it is observed.
  auto deadline = std::chrono::steady_clock::now() + 20s;
  for (auto& node : nodes_) {
    std::string info_command =
        "/usr/bin/redis-cli -p " + std::to_string(node->port()) + " cluster info";
    while (RunCommand(info_command).find("cluster_state:ok") == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "the Redis cluster did not become ready:\n" << created;
        return false;
      }
      std::this_thread::sleep_for(20ms);
    }
  }
  return true;
}

}  // namespace hubgate::gateway::testing
