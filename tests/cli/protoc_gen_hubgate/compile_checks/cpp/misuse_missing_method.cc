// expect-error: abstract
// A hub that forgets a method cannot be instantiated.
#include "everything.hubgate.h"

namespace compile_checks {

class Incomplete final : public typedtest::v1::EverythingHubBase {
  void SendComment(const hubgate::typed::HubCall& call, int32_t post_id,
                   const std::string& content,
                   hubgate::typed::Reply<google::protobuf::Empty> reply) override {
    reply.Return();
  }
};

Incomplete hub;

}  // namespace compile_checks
