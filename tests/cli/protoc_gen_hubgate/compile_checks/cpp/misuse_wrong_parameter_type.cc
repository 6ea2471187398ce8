// expect-error: marked .override., but does not override
// SendComment's postId is an int32, so this is not the hub method.
#include "everything_hub.h"

namespace compile_checks {

class WrongParameter final : public EverythingHub {
  void SendComment(const HubCall& call, const std::string& post_id, const std::string& content,
                   Reply<google::protobuf::Empty> reply) override {
    reply.Return();
  }
};

}  // namespace compile_checks
