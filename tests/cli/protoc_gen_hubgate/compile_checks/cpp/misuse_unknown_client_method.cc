// expect-error: has no member named .EverythingChangd
// A typo in a client method's name.
#include "everything_hub.h"

void Push(compile_checks::contract::EverythingClientClients& clients) {
  clients.Group("ward:4B").EverythingChangd(compile_checks::contract::Everything(), {});
}
