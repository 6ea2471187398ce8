#pragma once

// The `clinical` hub: ward dashboards for nurses. Clients subscribe to wards, read and receive
// bed capacity, acknowledge alarms, and stream a patient's INR readings.
//
//   SubscribeToWard(wardId)    invoke   joins group "ward:{id}", pushes WardCapacityUpdated
//   GetWardCapacity(wardId)    invoke   returns {wardId, totalBeds, occupiedBeds}
//   AcknowledgeAlarm(alarmId)  invoke   pushes AlarmAcknowledged to the alarm's ward
//   StreamINRReadings(patientId) stream one reading per interval until the client stops
//
// Only authenticated connections are accepted (the gateway validates the JWT; the user id
// arrives in CallContext.user_id).

#include <chrono>

#include "examples/clinical/clinical_state.h"
#include "examples/common/push_client.h"
#include "hubgate/v1/hub_handler.grpc.pb.h"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace hubgate::examples::clinical {

inline constexpr char kHubName[] = "clinical";

// The group of a ward's subscribers: "ward:A".
std::string WardGroup(const std::string& ward_id);
// {wardId, totalBeds, occupiedBeds}
v1::Value CapacityValue(const WardCapacity& ward);

class ClinicalHub final : public v1::HubHandler::CallbackService {
 public:
  ClinicalHub(PushClient& push, ClinicalState& state, boost::asio::io_context& timers,
              std::chrono::milliseconds inr_interval)
      : push_(push), state_(state), timers_(timers), inr_interval_(inr_interval) {}

  // v1::HubHandler::CallbackService
  grpc::ServerUnaryReactor* Describe(grpc::CallbackServerContext* context,
                                     const v1::DescribeRequest* request,
                                     v1::HubDescription* response) override;
  grpc::ServerUnaryReactor* OnConnected(grpc::CallbackServerContext* context,
                                        const v1::ConnectedRequest* request,
                                        v1::ConnectedResponse* response) override;
  grpc::ServerUnaryReactor* OnDisconnected(grpc::CallbackServerContext* context,
                                           const v1::DisconnectedRequest* request,
                                           v1::DisconnectedResponse* response) override;
  grpc::ServerUnaryReactor* Invoke(grpc::CallbackServerContext* context,
                                   const v1::InvokeRequest* request,
                                   v1::InvokeResponse* response) override;
  grpc::ServerWriteReactor<v1::StreamInvokeResponse>* StreamInvoke(
      grpc::CallbackServerContext* context, const v1::InvokeRequest* request) override;

 private:
  void SubscribeToWard(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                       grpc::ServerUnaryReactor* reactor);
  void GetWardCapacity(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                       grpc::ServerUnaryReactor* reactor);
  void AcknowledgeAlarm(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                        grpc::ServerUnaryReactor* reactor);

  PushClient& push_;
  ClinicalState& state_;
  boost::asio::io_context& timers_;
  const std::chrono::milliseconds inr_interval_;
};

}  // namespace hubgate::examples::clinical
