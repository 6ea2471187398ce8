// expect-error: has no member named .AskConsent
// Client results exist on single connections only, as ASP.NET allows InvokeAsync on single
// clients only.
#include "everything_hub.h"

void Ask(compile_checks::contract::EverythingClientClients& clients) {
  clients.Group("ward:4B").AskConsent(compile_checks::contract::ConsentQuestion(),
                                      [](absl::StatusOr<compile_checks::contract::Consent>) {});
}
