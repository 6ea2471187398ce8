#pragma once

// The fixed part of every generated TypeScript file: the wire conversion and the untyped core
// the generated hub wrappers delegate to (docs/typed-hubs.md#typescript-browsers).

#include "absl/strings/string_view.h"

namespace hubgate::protoc_gen {

absl::string_view TypeScriptSupport();

}  // namespace hubgate::protoc_gen
