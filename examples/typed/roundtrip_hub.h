#pragma once

// The `roundtrip` hub's logic on the generated base class: every method hands its values back
// (see roundtrip.proto), through results, a stream, a push and a client result.

#include <memory>
#include <string>

#include "roundtrip.hubgate.h"

namespace hubgate::examples::typed {

class RoundTripHub final : public roundtrip::v1::RoundTripHubBase {
 public:
  explicit RoundTripHub(roundtrip::v1::RoundTripClientClients& clients) : clients_(clients) {}

  void Echo(const hubgate::typed::HubCall& call, const roundtrip::v1::Sample& sample,
            hubgate::typed::Reply<roundtrip::v1::Sample> reply) override;
  void Render(const hubgate::typed::HubCall& call, int64_t id,
              const google::protobuf::Timestamp& at, const std::string& blob,
              std::optional<int32_t> maybe, roundtrip::v1::Priority priority,
              const google::protobuf::RepeatedField<int64_t>& ids,
              const google::protobuf::Map<std::string, std::string>& labels,
              hubgate::typed::Reply<roundtrip::v1::Rendered> reply) override;
  void PushBack(const hubgate::typed::HubCall& call, const roundtrip::v1::Sample& sample,
                hubgate::typed::Reply<google::protobuf::Empty> reply) override;
  void Count(const hubgate::typed::HubCall& call, int32_t count,
             hubgate::typed::StreamWriter<roundtrip::v1::Vitals> writer) override;
  void Collect(const hubgate::typed::HubCall& call, const std::string& label,
               hubgate::typed::StreamReader<roundtrip::v1::Vitals> vitals,
               hubgate::typed::Reply<roundtrip::v1::Rendered> reply) override;
  void AskCaller(const hubgate::typed::HubCall& call, const roundtrip::v1::Question& question,
                 hubgate::typed::Reply<roundtrip::v1::Answer> reply) override;

 private:
  roundtrip::v1::RoundTripClientClients& clients_;
};

}  // namespace hubgate::examples::typed
