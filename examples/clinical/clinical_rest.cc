#include "examples/clinical/clinical_rest.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "boost/json.hpp"
#include "examples/clinical/clinical_hub.h"
#include "examples/common/audience.h"
#include "examples/common/values.h"
#include "spdlog/spdlog.h"

namespace hubgate::examples::clinical {
namespace {

// A required, non-empty string field of a JSON body.
const boost::json::string* RequiredString(const boost::json::object& body, const char* key) {
  const boost::json::value* value = body.if_contains(key);
  if (value == nullptr || !value->is_string() || value->get_string().empty()) {
    return nullptr;
  }
  return &value->get_string();
}

}  // namespace

HttpResponse ClinicalRest::Handle(const HttpRequest& request) {
  const char* allowed = nullptr;  // the method the matched path takes
  HttpResponse response;
  if (auto parameters = MatchPath(request, "api/wards/*/admissions")) {
    allowed = "POST";
    if (request.method == allowed) {
      return Admission(parameters->at(0), request);
    }
  } else if (auto parameters = MatchPath(request, "api/orders/*/status")) {
    allowed = "POST";
    if (request.method == allowed) {
      return OrderStatus(parameters->at(0), request);
    }
  } else if (MatchPath(request, "api/stats")) {
    allowed = "GET";
    if (request.method == allowed) {
      return Stats();
    }
  }
  return allowed == nullptr ? ErrorResponse(404, "not found")
                            : ErrorResponse(405, "method not allowed");
}

HttpResponse ClinicalRest::Admission(const std::string& ward_id, const HttpRequest& request) {
  auto body = ParseJsonBody(request);
  if (!body.ok()) {
    return ErrorResponse(400, std::string(body.status().message()));
  }
  const boost::json::string* patient_id = RequiredString(*body, "patientId");
  const boost::json::string* name = RequiredString(*body, "name");
  if (patient_id == nullptr || name == nullptr) {
    return ErrorResponse(400, "patientId and name are required strings");
  }
  // Clients.Group("ward:A").SendAsync("PatientAdmitted", new { wardId, patientId, name, at })
  v1::SendRequest send =
      NewSend(kHubName, "PatientAdmitted",
              {FromJson(boost::json::object{{"wardId", ward_id},
                                            {"patientId", *patient_id},
                                            {"name", *name},
                                            {"at", NowIso8601()}})});
  return SendToWard(ward_id, std::move(send));
}

HttpResponse ClinicalRest::OrderStatus(const std::string& order_id, const HttpRequest& request) {
  auto body = ParseJsonBody(request);
  if (!body.ok()) {
    return ErrorResponse(400, std::string(body.status().message()));
  }
  const boost::json::string* ward_id = RequiredString(*body, "wardId");
  const boost::json::string* status = RequiredString(*body, "status");
  if (ward_id == nullptr || status == nullptr) {
    return ErrorResponse(400, "wardId and status are required strings");
  }
  v1::SendRequest send =
      NewSend(kHubName, "DrugOrderStatusChanged",
              {FromJson(boost::json::object{{"orderId", order_id}, {"status", *status}})});
  return SendToWard(std::string(*ward_id), std::move(send));
}

HttpResponse ClinicalRest::Stats() const {
  const ClinicalState::StreamStats streams = state_.GetStreamStats();
  return JsonResponse(200, boost::json::object{
                               {"streamsCancelled", streams.cancelled},
                               {"streamsActive", streams.active},
                               {"connected", state_.ConnectionCount()},
                           });
}

HttpResponse ClinicalRest::SendToWard(const std::string& ward_id, v1::SendRequest request) {
  if (!state_.FindWard(ward_id)) {
    return ErrorResponse(404, absl::StrCat("Ward ", ward_id, " not found."));
  }
  ToGroup(request, WardGroup(ward_id));
  absl::StatusOr<std::uint64_t> queued = push_.SendAndWait(request);
  if (!queued.ok()) {
    const std::string message(queued.status().message());
    spdlog::error("{}: {}", request.method(), message);
    return ErrorResponse(502, message);
  }
  spdlog::info("{} to {}: queued for {} connection(s)", request.method(), WardGroup(ward_id),
               *queued);
  return JsonResponse(202, boost::json::object{{"queued", *queued}});
}

}  // namespace hubgate::examples::clinical
