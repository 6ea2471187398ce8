// expect-error: cannot convert .typedtest::v1::Address. to .const typedtest::v1::Everything&
// Another DTO than the client method declares.
#include "everything_hub.h"

void Push(compile_checks::contract::EverythingClientClients& clients) {
  clients.All().EverythingChanged(compile_checks::contract::Address(), {});
}
