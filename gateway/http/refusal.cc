#include "gateway/http/refusal.h"

#include "hubcore/check.h"

namespace hubgate::gateway {

Refusal Refusal::Of(const absl::Status& status) {
  std::string message(status.message());
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      return {http::status::not_found, std::move(message)};
    case absl::StatusCode::kAlreadyExists:
      return {http::status::conflict, std::move(message)};
    case absl::StatusCode::kFailedPrecondition:
      return {http::status::bad_request, std::move(message)};
    case absl::StatusCode::kResourceExhausted:
      return {http::status::too_many_requests, std::move(message)};
    case absl::StatusCode::kUnavailable:
      return {http::status::service_unavailable, std::move(message)};
    case absl::StatusCode::kPermissionDenied:
      return {http::status::unauthorized, ""};  // as any unauthorized request: no reason given
    default:
      break;
  }
  HUBGATE_CHECK(false, "claims and resumes are refused only with the codes Refusal::Of maps");
  return {http::status::internal_server_error, ""};
}

}  // namespace hubgate::gateway
