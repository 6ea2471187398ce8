// expect-error: no matching function for call to .*Return
// Echo returns an Everything, not a CommentCount.
#include "everything_hub.h"

namespace compile_checks {

class WrongResult final : public EverythingHub {
  void Echo(const HubCall& call, const contract::Everything& everything,
            Reply<contract::Everything> reply) override {
    reply.Return(contract::CommentCount());
  }
};

}  // namespace compile_checks
