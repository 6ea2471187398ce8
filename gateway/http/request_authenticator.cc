#include "gateway/http/request_authenticator.h"

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "gateway/http/request_router.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

absl::StatusOr<std::optional<Principal>> RequestAuthenticator::Authenticate(
    const Request& request, const hubcore::HubOptions& hub,
    const boost::urls::url_view& url) const {
  std::optional<std::string> token = BearerToken(request, url);
  if (!token.has_value() || context_.authenticator == nullptr) {
    if (hub.require_auth) {
      context_.metrics.AuthFailed(hub.name, "missing_token");
      return absl::UnauthenticatedError("no bearer token");
    }
    return std::optional<Principal>();
  }
  absl::StatusOr<Principal> principal = context_.authenticator->Authenticate(*token, absl::Now());
  if (!principal.ok()) {
    if (hub.require_auth) {
      context_.metrics.AuthFailed(hub.name, "invalid_token");
      return principal.status();
    }
    // As ASP.NET Core: a bad token on an anonymous endpoint leaves the caller anonymous.
    spdlog::debug("ignoring an invalid token on anonymous hub {}: {}", hub.name,
                  std::string(principal.status().message()));
    return std::optional<Principal>();
  }
  return std::optional<Principal>(*std::move(principal));
}

std::optional<std::string> RequestAuthenticator::BearerToken(const Request& request,
                                                             const boost::urls::url_view& url) {
  auto header = request.find(http::field::authorization);
  return ExtractBearerToken(
      header == request.end() ? std::string_view()
                              : std::string_view(header->value().data(), header->value().size()),
      QueryParam(url, "access_token").value_or(""));
}

hubcore::CallContext RequestAuthenticator::BuildCallContext(const Request& request,
                                                            const hubcore::HubOptions& hub,
                                                            const boost::urls::url_view& url,
                                                            std::optional<Principal> principal,
                                                            std::string_view transport) {
  hubcore::CallContext call_context;
  call_context.hub = hub.name;
  call_context.transport = std::string(transport);
  if (principal.has_value()) {
    call_context.user_id = principal->user_id;
    call_context.claims = std::move(principal->claims);
    if (principal->expires_at.has_value()) {
      // On the monotonic clock the connection's ticks use.
      call_context.authentication_expiry =
          std::chrono::steady_clock::now() +
          absl::ToChronoMilliseconds(*principal->expires_at - absl::Now());
    }
  }
  for (const auto& param : url.params()) {
    if (param.key != "access_token" && param.key != "id" && param.key != "_") {
      call_context.query.emplace_back(param.key, param.value);
    }
  }
  for (const std::string& name : hub.forwarded_headers) {
    auto header = request.find(name);
    if (header != request.end()) {
      call_context.headers.emplace_back(absl::AsciiStrToLower(name), std::string(header->value()));
    }
  }
  return call_context;
}

}  // namespace hubgate::gateway
