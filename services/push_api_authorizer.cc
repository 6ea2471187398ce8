#include "services/push_api_authorizer.h"

#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "hubcore/check.h"
#include "spdlog/spdlog.h"

namespace hubgate::services {
namespace {

constexpr absl::string_view kBearerPrefix = "bearer ";

// The key the caller presented, or nullopt. gRPC delivers metadata keys in lower case.
std::optional<absl::string_view> PresentedKey(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    absl::string_view value(it->second.data(), it->second.size());
    if (value.size() > kBearerPrefix.size() &&
        absl::EqualsIgnoreCase(value.substr(0, kBearerPrefix.size()), kBearerPrefix)) {
      return absl::StripAsciiWhitespace(value.substr(kBearerPrefix.size()));
    }
    return std::nullopt;
  }
  if (auto it = metadata.find("x-api-key"); it != metadata.end()) {
    return absl::StripAsciiWhitespace(absl::string_view(it->second.data(), it->second.size()));
  }
  return std::nullopt;
}

}  // namespace

absl::Status PushApiAuthorizer::Authorize(const grpc::ServerContextBase& context,
                                          std::string_view method, std::string_view hub) const {
  std::optional<PushApiOperation> operation = ClassifyPushMethod(method);
  HUBGATE_CHECK(operation.has_value(), "every Push API method has an operation");
  if (keys_ == nullptr) {
    return absl::OkStatus();
  }
  std::optional<absl::string_view> presented = PresentedKey(context);
  if (!presented.has_value() || presented->empty()) {
    return Refuse(absl::UnauthenticatedError(
                      "missing API key (send metadata 'authorization: Bearer <key>')"),
                  *operation);
  }
  std::shared_ptr<const PushApiGrant> grant =
      keys_->Find(std::string_view(presented->data(), presented->size()));
  if (grant == nullptr) {
    return Refuse(absl::UnauthenticatedError("unknown API key"), *operation);
  }
  if (!grant->Allows(*operation) || !grant->AllowsHub(hub)) {
    return Refuse(absl::PermissionDeniedError(absl::StrCat(
                      "API key '", grant->name, "' may not use operation '",
                      std::string(PushApiOperationName(*operation)), "' on hub '",
                      std::string(hub), "'")),
                  *operation);
  }
  return absl::OkStatus();
}

absl::Status PushApiAuthorizer::Refuse(absl::Status status, PushApiOperation operation) const {
  const std::string_view reason =
      status.code() == absl::StatusCode::kUnauthenticated ? "unauthenticated" : "permission_denied";
  // Debug only: a scanner must not be able to fill the log. The metric counts every refusal.
  spdlog::debug("Push API call refused ({}): {}", reason, std::string(status.message()));
  if (on_refusal_) {
    on_refusal_(reason, PushApiOperationName(operation));
  }
  return status;
}

}  // namespace hubgate::services
