#pragma once

// The clinical backend's REST API: service actions from other systems (admissions, pharmacy)
// that notify the nurses watching a ward, plus counters for monitoring and tests.
//
//   POST /api/wards/{id}/admissions  {"patientId","name"}  -> "PatientAdmitted" to ward:{id}
//   POST /api/orders/{id}/status     {"wardId","status"}   -> "DrugOrderStatusChanged" to
//                                                             ward:{wardId}
//     <- 202 {"queued": N}; 400 for a bad body; 404 for an unknown ward
//   GET  /api/stats  <- {"streamsCancelled": N, "streamsActive": N, "connected": N}

#include "examples/clinical/clinical_state.h"
#include "examples/common/http_server.h"
#include "examples/common/push_client.h"

namespace hubgate::examples::clinical {

class ClinicalRest {
 public:
  ClinicalRest(PushClient& push, ClinicalState& state) : push_(push), state_(state) {}

  // The HttpServer handler; runs on the HTTP thread, where blocking Push calls are fine.
  HttpResponse Handle(const HttpRequest& request);

 private:
  HttpResponse Admission(const std::string& ward_id, const HttpRequest& request);
  HttpResponse OrderStatus(const std::string& order_id, const HttpRequest& request);
  HttpResponse Stats() const;
  // Sends and answers 202 {"queued": N}, or 502 when the gateway cannot be reached.
  HttpResponse SendToWard(const std::string& ward_id, v1::SendRequest request);

  PushClient& push_;
  ClinicalState& state_;
};

}  // namespace hubgate::examples::clinical
