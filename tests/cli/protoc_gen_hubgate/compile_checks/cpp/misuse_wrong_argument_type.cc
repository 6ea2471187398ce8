// expect-error: invalid conversion from .const char\*. to .int32_t
// A string where the client method takes an int (postId).
#include "everything_hub.h"

void Push(compile_checks::contract::EverythingClientClients& clients) {
  clients.All().CommentAdded("42", "hello", {});
}
