#pragma once

// A complete hub for the compile checks: every generated virtual implemented as intended.
// correct_usage.cc uses it as it is; each misuse_*.cc gets one thing wrong.

#include "everything.hubgate.h"

namespace compile_checks {

using hubgate::typed::HubCall;
using hubgate::typed::Reply;
using hubgate::typed::StreamWriter;
namespace contract = typedtest::v1;

class EverythingHub : public contract::EverythingHubBase {
 public:
  void SendComment(const HubCall& call, int32_t post_id, const std::string& content,
                   Reply<google::protobuf::Empty> reply) override {
    reply.Return();
  }
  void Echo(const HubCall& call, const contract::Everything& everything,
            Reply<contract::Everything> reply) override {
    reply.Return(everything);
  }
  void CountComments(const HubCall& call, Reply<contract::CommentCount> reply) override {
    contract::CommentCount count;
    count.set_count(3);
    reply.Return(count);
  }
  void Check(const HubCall& call, std::optional<int64_t> maybe,
             const google::protobuf::Timestamp& since, const std::string& payload,
             contract::Severity severity, const contract::Address* address,
             const google::protobuf::RepeatedField<int32_t>& numbers,
             Reply<contract::Tags> reply) override {
    reply.HubError("not today");
  }
  void StreamReadings(const HubCall& call, const std::string& patient_id, int32_t count,
                      StreamWriter<contract::Reading> writer) override {
    writer.Write(contract::Reading());
    writer.Complete();
  }
  void RecordReadings(const HubCall& call, hubgate::typed::StreamReader<contract::Reading> readings,
                      const std::string& patient_id,
                      hubgate::typed::StreamReader<contract::Address> notes,
                      Reply<contract::CommentCount> reply) override {
    readings.Read([](const contract::Reading& reading) {},
                  [](const std::optional<std::string>& error) {});
    reply.Return(contract::CommentCount());
  }
};

}  // namespace compile_checks
