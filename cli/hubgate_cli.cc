// hubgate-cli: calls the Push API from a shell.
//
//   hubgate-cli send --hub posts --group post-42 --target PostUpdated --json '{"id":42}'
//   hubgate-cli add-to-group --hub posts --connection <id> --group post-42
//
// The API key comes from --api_key or, better (it stays out of `ps`), the environment variable
// HUBGATE_PUSH_API_KEY; --ca_file connects with TLS, --cert_file/--key_file add a client
// certificate for mTLS (docs/security.md).
//
// Exit codes: 0 success, 1 the call failed (error: <CODE>: <message> on stderr), 2 usage error.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "hubgate/v1/push.grpc.pb.h"

ABSL_FLAG(std::string, server, "127.0.0.1:50051", "Push API address (host:port)");
ABSL_FLAG(std::string, api_key, "",
          "Push API key, sent as 'authorization: Bearer <key>' (default: environment "
          "HUBGATE_PUSH_API_KEY)");
ABSL_FLAG(std::string, ca_file, "", "PEM CA of the gateway's certificate: connect with TLS");
ABSL_FLAG(std::string, cert_file, "", "PEM client certificate, for mTLS (needs --ca_file)");
ABSL_FLAG(std::string, key_file, "", "PEM private key of --cert_file");
ABSL_FLAG(absl::Duration, timeout, absl::Seconds(5), "Deadline of the call, e.g. 5s or 500ms");
ABSL_FLAG(std::string, hub, "", "Hub name as configured, e.g. posts");
ABSL_FLAG(std::string, method, "", "Client method to invoke (send)");
ABSL_FLAG(std::string, target, "", "Same as --method");
ABSL_FLAG(std::string, json, "",
          "Arguments as JSON: an array is the argument list, any other value is one argument");
ABSL_FLAG(bool, all, false, "send: every connection of the hub");
ABSL_FLAG(std::vector<std::string>, except, {},
          "send: connection ids to leave out (with --all or --group)");
ABSL_FLAG(std::string, connection, "", "send: one connection id; groups: the connection");
ABSL_FLAG(std::vector<std::string>, connections, {}, "send: comma-separated connection ids");
ABSL_FLAG(std::string, group, "", "send: one group; groups: the group");
ABSL_FLAG(std::vector<std::string>, groups, {}, "send: comma-separated groups");
ABSL_FLAG(std::string, user, "", "send: one user id");
ABSL_FLAG(std::vector<std::string>, users, {}, "send: comma-separated user ids");

namespace {

constexpr int kExitOk = 0;
constexpr int kExitCallFailed = 1;
constexpr int kExitUsage = 2;

constexpr char kUsage[] =
    "usage: hubgate-cli <send|add-to-group|remove-from-group> [--server=host:port] "
    "[--timeout=5s] [--api_key=KEY] [--ca_file=PEM [--cert_file=PEM --key_file=PEM]] "
    "--hub=HUB ...\n"
    "  send --method|--target=NAME [--json=JSON] "
    "(--all [--except=ids] | --connection=ID | --connections=ids | --group=G [--except=ids] |\n"
    "       --groups=g1,g2 | --user=U | --users=u1,u2)\n"
    "  add-to-group|remove-from-group --connection=ID --group=G";

int UsageError(absl::string_view message) {
  std::cerr << "error: " << message << "\n" << kUsage << "\n";
  return kExitUsage;
}

// absl::ParseCommandLine exits with 1 on an unknown flag, so names are checked first to keep
// usage errors at exit code 2. Returns the first unknown flag, or "".
std::string FindUnknownFlag(int argc, char* argv[]) {
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") {
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      continue;
    }
    arg.remove_prefix(arg[1] == '-' ? 2 : 1);
    const bool has_value = arg.find('=') != absl::string_view::npos;
    absl::string_view name = arg.substr(0, arg.find('='));
    if (name == "help" || name == "helpfull" || name == "helpshort" || name == "helppackage" ||
        name == "version" || name == "only_check_args") {
      continue;  // abseil's usage pseudo-flags, handled by ParseCommandLine
    }
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr && absl::ConsumePrefix(&name, "no")) {  // --noall
      flag = absl::FindCommandLineFlag(name);
      if (flag != nullptr && !flag->IsOfType<bool>()) {
        flag = nullptr;
      }
    }
    if (flag == nullptr) {
      return std::string(arg.substr(0, arg.find('=')));
    }
    if (!has_value && !flag->IsOfType<bool>()) {
      ++i;  // "--hub posts": the next argument is the value
    }
  }
  return "";
}

absl::string_view CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return "UNKNOWN";
  }
}

int CallFailed(const grpc::Status& status) {
  std::cerr << "error: " << CodeName(status.error_code()) << ": " << status.error_message()
            << "\n";
  return kExitCallFailed;
}

// The proto field takes a JSON array; any other JSON value becomes the single argument.
std::string ArgumentsJson(const std::string& text) {
  absl::string_view trimmed = absl::StripLeadingAsciiWhitespace(text);
  if (!trimmed.empty() && trimmed.front() == '[') {
    return text;
  }
  return absl::StrCat("[", text, "]");
}

void CopyTo(const std::vector<std::string>& from,
            google::protobuf::RepeatedPtrField<std::string>* to) {
  for (const std::string& item : from) {
    to->Add()->assign(item);
  }
}

// Fills the audience oneof from the flags; returns a usage error text, empty when fine.
std::string SetAudience(hubgate::v1::SendRequest& request) {
  const std::vector<std::string> except = absl::GetFlag(FLAGS_except);
  std::vector<std::string> chosen;
  if (absl::GetFlag(FLAGS_all)) {
    chosen.push_back("--all");
    CopyTo(except, request.mutable_all()->mutable_except_connection_ids());
  }
  if (std::string id = absl::GetFlag(FLAGS_connection); !id.empty()) {
    chosen.push_back("--connection");
    request.set_connection_id(id);
  }
  if (auto ids = absl::GetFlag(FLAGS_connections); !ids.empty()) {
    chosen.push_back("--connections");
    CopyTo(ids, request.mutable_connections()->mutable_connection_ids());
  }
  if (std::string group = absl::GetFlag(FLAGS_group); !group.empty()) {
    chosen.push_back("--group");
    request.mutable_group()->set_group(group);
    CopyTo(except, request.mutable_group()->mutable_except_connection_ids());
  }
  if (auto groups = absl::GetFlag(FLAGS_groups); !groups.empty()) {
    chosen.push_back("--groups");
    CopyTo(groups, request.mutable_groups()->mutable_groups());
  }
  if (std::string user = absl::GetFlag(FLAGS_user); !user.empty()) {
    chosen.push_back("--user");
    request.set_user_id(user);
  }
  if (auto users = absl::GetFlag(FLAGS_users); !users.empty()) {
    chosen.push_back("--users");
    CopyTo(users, request.mutable_users()->mutable_user_ids());
  }
  if (chosen.empty()) {
    return "send needs an audience: --all, --connection, --connections, --group, --groups, "
           "--user or --users";
  }
  if (chosen.size() > 1) {
    return absl::StrCat("choose one audience, got ", absl::StrJoin(chosen, " and "));
  }
  if (!except.empty() && chosen.front() != "--all" && chosen.front() != "--group") {
    return "--except works with --all or --group only";
  }
  return "";
}

// The deadline and the API key of every call.
void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_timeout)));
  std::string key = absl::GetFlag(FLAGS_api_key);
  if (const char* env = std::getenv("HUBGATE_PUSH_API_KEY"); key.empty() && env != nullptr) {
    key = env;
  }
  if (!key.empty()) {
    context.AddMetadata("authorization", "Bearer " + key);
  }
}

// The PEM text of `path`, or "" (after printing why) when it cannot be read.
std::string ReadPem(absl::string_view flag, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "error: --" << flag << ": cannot open " << path << "\n";
    return "";
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Plaintext, or TLS with --ca_file (and a client certificate with --cert_file/--key_file).
std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials() {
  const std::string ca_file = absl::GetFlag(FLAGS_ca_file);
  if (ca_file.empty()) {
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ReadPem("ca_file", ca_file);
  if (tls.pem_root_certs.empty()) {
    return nullptr;
  }
  if (const std::string cert_file = absl::GetFlag(FLAGS_cert_file); !cert_file.empty()) {
    tls.pem_cert_chain = ReadPem("cert_file", cert_file);
    tls.pem_private_key = ReadPem("key_file", absl::GetFlag(FLAGS_key_file));
    if (tls.pem_cert_chain.empty() || tls.pem_private_key.empty()) {
      return nullptr;
    }
  }
  return grpc::SslCredentials(tls);
}

int Send(hubgate::v1::Push::Stub& stub) {
  hubgate::v1::SendRequest request;
  request.set_hub(absl::GetFlag(FLAGS_hub));
  const std::string method = absl::GetFlag(FLAGS_method);
  const std::string target = absl::GetFlag(FLAGS_target);
  if (!method.empty() && !target.empty() && method != target) {
    return UsageError("--method and --target name the same thing; give one");
  }
  request.set_method(method.empty() ? target : method);
  if (request.hub().empty()) {
    return UsageError("--hub is required");
  }
  if (request.method().empty()) {
    return UsageError("--method (or --target) is required");
  }
  if (std::string json = absl::GetFlag(FLAGS_json); !json.empty()) {
    request.set_arguments_json(ArgumentsJson(json));
  }
  if (std::string error = SetAudience(request); !error.empty()) {
    return UsageError(error);
  }

  grpc::ClientContext context;
  SetDeadline(context);
  hubgate::v1::SendResponse response;
  grpc::Status status = stub.Send(&context, request, &response);
  if (!status.ok()) {
    return CallFailed(status);
  }
  std::cout << "queued for " << response.queued_connections() << " connection(s)\n";
  return kExitOk;
}

int ChangeMembership(hubgate::v1::Push::Stub& stub, bool add) {
  hubgate::v1::GroupMembershipRequest request;
  request.set_hub(absl::GetFlag(FLAGS_hub));
  request.set_connection_id(absl::GetFlag(FLAGS_connection));
  request.set_group(absl::GetFlag(FLAGS_group));
  if (request.hub().empty() || request.connection_id().empty() || request.group().empty()) {
    return UsageError("--hub, --connection and --group are required");
  }

  grpc::ClientContext context;
  SetDeadline(context);
  hubgate::v1::GroupMembershipResponse response;
  grpc::Status status = add ? stub.AddToGroup(&context, request, &response)
                            : stub.RemoveFromGroup(&context, request, &response);
  if (!status.ok()) {
    return CallFailed(status);
  }
  std::cout << "connection found: " << (response.connection_found() ? "yes" : "no") << "\n";
  return kExitOk;
}

}  // namespace

int main(int argc, char* argv[]) {
  absl::SetProgramUsageMessage(kUsage);
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view path) {
    return absl::EndsWith(path, "hubgate_cli.cc");
  };
  usage_config.contains_helpshort_flags = usage_config.contains_help_flags;
  absl::SetFlagsUsageConfig(usage_config);
  if (std::string unknown = FindUnknownFlag(argc, argv); !unknown.empty()) {
    return UsageError(absl::StrCat("unknown flag --", unknown));
  }
  std::vector<char*> positionals = absl::ParseCommandLine(argc, argv);
  if (positionals.size() != 2) {
    return UsageError(positionals.size() < 2 ? "missing command" : "too many arguments");
  }
  const std::string command = positionals[1];
  if (command != "send" && command != "add-to-group" && command != "remove-from-group") {
    return UsageError(absl::StrCat("unknown command '", command, "'"));
  }
  if (absl::GetFlag(FLAGS_timeout) <= absl::ZeroDuration()) {
    return UsageError("--timeout must be positive");
  }

  if (!absl::GetFlag(FLAGS_cert_file).empty() && absl::GetFlag(FLAGS_ca_file).empty()) {
    return UsageError("--cert_file needs --ca_file (a client certificate is sent over TLS)");
  }
  std::shared_ptr<grpc::ChannelCredentials> credentials = ChannelCredentials();
  if (credentials == nullptr) {
    return kExitUsage;
  }
  auto channel = grpc::CreateChannel(absl::GetFlag(FLAGS_server), credentials);
  auto stub = hubgate::v1::Push::NewStub(channel);
  if (command == "send") {
    return Send(*stub);
  }
  return ChangeMembership(*stub, command == "add-to-group");
}
