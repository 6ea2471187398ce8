// hubgate: the gateway executable. Composition root: configuration, the HTTP/WebSocket gateway
// and the gRPC Push API, then waits for SIGINT/SIGTERM (graceful shutdown) and SIGHUP (TLS
// certificates re-read).
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "gateway/ops/config.h"
#include "gateway/gateway_server.h"
#include "gateway/ops/logging.h"
#include "gateway/ops/push_api_config.h"
#include "services/grpc_hub_backend.h"
#include "services/grpc_server.h"
#include "services/pem_mirror_registry.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, config, "", "YAML configuration file (default: built-in, one hub 'posts')");
ABSL_FLAG(std::string, http_listen, "", "HTTP/WebSocket address host:port (overrides config)");
ABSL_FLAG(std::string, grpc_listen, "", "gRPC Push API address host:port (overrides config)");
ABSL_FLAG(std::string, static_dir, "", "Directory served at / (overrides config)");
ABSL_FLAG(std::string, admin_listen, "",
          "Admin address host:port for /metrics, /healthz, /readyz (overrides config)");
ABSL_FLAG(std::string, port_file, "",
          "Write {\"http\":N,\"grpc\":N,\"admin\":N} here once listening");
ABSL_FLAG(int, workers, -1, "Worker threads; 0 = one per hardware thread (overrides config)");
ABSL_FLAG(std::string, log_level, "", "trace, debug, info, warn or error (overrides config)");
ABSL_FLAG(std::string, log_format, "", "text or json (overrides config)");
ABSL_FLAG(bool, check_config, false,
          "Validate the configuration (--config, or --check-config FILE), print errors, and exit");

namespace {

using hubgate::gateway::GatewayConfig;

void RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    spdlog::info("open file limit: {}", static_cast<unsigned long long>(limit.rlim_cur));
  }
}

bool WritePortFile(const std::string& path, int http_port, int grpc_port, int admin_port) {
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << "{\"http\":" << http_port << ",\"grpc\":" << grpc_port << ",\"admin\":" << admin_port
        << "}\n";
    if (!out) {
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  return !ec;
}

absl::StatusOr<GatewayConfig> BuildConfig() {
  GatewayConfig config = hubgate::gateway::DefaultConfig();
  if (const std::string path = absl::GetFlag(FLAGS_config); !path.empty()) {
    auto loaded = hubgate::gateway::LoadConfigFile(path);
    if (!loaded.ok()) {
      return loaded.status();
    }
    config = *std::move(loaded);
  }
  if (auto v = absl::GetFlag(FLAGS_http_listen); !v.empty()) config.http_listen = v;
  if (auto v = absl::GetFlag(FLAGS_grpc_listen); !v.empty()) config.grpc_listen = v;
  if (auto v = absl::GetFlag(FLAGS_static_dir); !v.empty()) config.static_dir = v;
  if (auto v = absl::GetFlag(FLAGS_admin_listen); !v.empty()) config.admin_listen = v;
  if (auto v = absl::GetFlag(FLAGS_port_file); !v.empty()) config.port_file = v;
  if (auto v = absl::GetFlag(FLAGS_log_format); !v.empty()) config.log_format = v;
  if (auto v = absl::GetFlag(FLAGS_log_level); !v.empty()) config.log_level = v;
  if (int v = absl::GetFlag(FLAGS_workers); v >= 0) config.workers = v;
  if (absl::Status status = hubgate::gateway::FinalizeConfig(config); !status.ok()) {
    return status;
  }
  return config;
}

// Accepts the spelling `--check-config FILE` (and `--check-config=FILE`) beside abseil's
// `--check_config --config=FILE`.
std::vector<char*> RewriteCheckConfig(int argc, char** argv, std::vector<std::string>& storage) {
  storage.reserve(static_cast<size_t>(argc) + 2);
  std::vector<char*> out;
  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--check-config" || arg.rfind("--check-config=", 0) == 0) {
      storage.emplace_back("--check_config");
      out.push_back(storage.back().data());
      std::string file;
      if (arg == "--check-config") {
        if (i + 1 < argc && argv[i + 1][0] != '-') file = argv[++i];
      } else {
        file = std::string(arg.substr(std::string_view("--check-config=").size()));
      }
      if (!file.empty()) {
        storage.push_back("--config=" + file);
        out.push_back(storage.back().data());
      }
      continue;
    }
    out.push_back(argv[i]);
  }
  out.push_back(nullptr);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "a SignalR-compatible push gateway with a gRPC API.\n\n"
      "Usage: hubgate [--config=FILE] [flags]\n"
      "       hubgate --check-config FILE\n\n"
      "Flags override the configuration file; HUBGATE_* environment variables override both\n"
      "(docs/configuration.md).");
  // --help lists this file's flags (abseil's default looks for a file named after the binary).
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view file) {
    return absl::EndsWith(file, "gateway/main.cc");
  };
  usage_config.contains_helpshort_flags = usage_config.contains_help_flags;
  absl::SetFlagsUsageConfig(usage_config);
  std::vector<std::string> arg_storage;
  std::vector<char*> args = RewriteCheckConfig(argc, argv, arg_storage);
  absl::ParseCommandLine(static_cast<int>(args.size()) - 1, args.data());
  hubgate::gateway::ConfigureLogging("text", "info");

  auto config = BuildConfig();
  if (!config.ok()) {
    std::fprintf(stderr, "hubgate: configuration error: %s\n",
                 std::string(config.status().message()).c_str());
    return 2;
  }
  if (absl::GetFlag(FLAGS_check_config)) {
    std::printf("configuration OK: %zu hub(s)\n", config->hubs.size());
    return 0;
  }
  hubgate::gateway::ConfigureLogging(config->log_format, config->log_level);
  const auto signal_deadline_budget = config->shutdown.deadline;
  const auto drain_window = config->shutdown.drain_window;

  // Signals are taken by sigwait() below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);  // re-read the TLS certificates
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
  RaiseOpenFileLimit();

  const std::string grpc_listen = hubgate::gateway::PushApiBindAddress(*config);
  const hubgate::hubcore::PushApiOptions push_api = config->push_api;
  const std::string port_file = config->port_file;
  auto make_backend = [](const hubgate::hubcore::HubOptions& hub)
      -> absl::StatusOr<std::unique_ptr<hubgate::hubcore::HubBackend>> {
    auto backend = hubgate::services::GrpcHubBackend::Create(hub);
    if (!backend.ok()) {
      return backend.status();
    }
    spdlog::info("hub {}: methods answered by the backend at {}", hub.name, hub.backend_target);
    return std::unique_ptr<hubgate::hubcore::HubBackend>(*std::move(backend));
  };
  auto gateway = hubgate::gateway::GatewayServer::Start(*std::move(config), make_backend);
  if (!gateway.ok()) {
    spdlog::critical("{}", std::string(gateway.status().message()));
    return 1;
  }
  hubgate::gateway::Metrics& metrics = (*gateway)->metrics();
  // Certificate reloads of the Push API listener and the backends' channels, counted as the
  // HTTP listeners' are (services/pem_mirror_registry.h).
  hubgate::services::PemMirrorRegistry::Instance().SetReloadObserver(
      [&metrics](std::string_view listener, bool reloaded) {
        metrics.TlsCertificateReload(listener, reloaded ? "reloaded" : "failed");
      });
  auto grpc = hubgate::services::GrpcServer::Start(
      grpc_listen, (*gateway)->publisher(), push_api,
      [&metrics](std::string_view reason, std::string_view operation) {
        metrics.PushApiRefused(reason, operation);
      });
  if (!grpc.ok()) {
    spdlog::critical("{}", std::string(grpc.status().message()));
    (*gateway)->Shutdown(std::chrono::milliseconds(0));
    (void)gateway->release();  // see the end of main
    return 1;
  }
  spdlog::info("gRPC Push API listening on port {}", (*grpc)->port());
  if (!port_file.empty() && !WritePortFile(port_file, (*gateway)->http_port(), (*grpc)->port(),
                                           (*gateway)->admin_port())) {
    spdlog::critical("cannot write port file {}", port_file);
    (*grpc)->Shutdown(std::chrono::seconds(1));
    (*gateway)->Shutdown(std::chrono::milliseconds(0));
    (void)gateway->release();  // see the end of main
    return 1;
  }

  // Tests and scripts wait for this line (after the port file is written).
  (*gateway)->SetReady(true);
  spdlog::info("ready: http={} grpc={} admin={}", (*gateway)->http_port(), (*grpc)->port(),
               (*gateway)->admin_port());

  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGHUP) {
    spdlog::info("received SIGHUP: re-reading the TLS certificate files");
    (*gateway)->ReloadTlsCertificates();
  }
  const auto signalled = std::chrono::steady_clock::now();
  spdlog::info("received {}, draining: Close frames spread over {} ms, exit within {} ms",
               received == SIGTERM ? "SIGTERM" : "SIGINT", drain_window.count(),
               signal_deadline_budget.count());
  // Order matters: readiness and gRPC health turn false first; clients get their Close while
  // the workers still run, so Push API calls in flight (and client-result waits, which end with
  // their connection) complete; only then does the gRPC server stop, and the workers last.
  // The gRPC server gets a tenth of the deadline (at least 500 ms), the connections the rest.
  using std::chrono::milliseconds;
  const milliseconds grpc_budget = std::max(milliseconds(500), signal_deadline_budget / 10);
  const milliseconds connections_budget =
      std::max(drain_window, signal_deadline_budget - grpc_budget);
  (*grpc)->SetServing(false);
  (*gateway)->Drain(drain_window, connections_budget);
  const auto left = signal_deadline_budget -
                    std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() -
                                                             signalled);
  (*grpc)->Shutdown(std::clamp(left, milliseconds(100), grpc_budget));
  (*gateway)->Stop();
  spdlog::info("stopped after {} ms",
               std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() -
                                                        signalled)
                   .count());
  spdlog::default_logger()->flush();
  // The stopped gateway is deliberately not destroyed: calls to hub backends may still complete
  // on gRPC's threads while the process exits, and their callbacks must find the workers and
  // sessions they post to intact (the work is queued and never run). The OS reclaims it all.
  (void)gateway->release();
  return 0;
}
