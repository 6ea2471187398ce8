#pragma once

// How a generated hub reports arguments that do not fit the method, in ASP.NET Core's words
// (docs/typed-hubs.md#binding-errors).

#include <string>

#include "absl/status/status.h"

namespace hubgate::typed {

// The exception type .NET's hub protocols throw for binding failures.
inline constexpr char kBindingExceptionType[] = "InvalidDataException";
// .NET's message for a value of the wrong type.
inline constexpr char kBindingErrorText[] =
    "Error binding arguments. Make sure that the types of the provided values match the types "
    "of the hub method being invoked.";

// The client-visible message for a DecodeArguments failure: the count text as it is (already
// ASP.NET's), kBindingErrorText for anything else (the detail stays in the backend).
inline std::string BindingErrorMessage(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kFailedPrecondition) {
    return std::string(status.message());
  }
  return kBindingErrorText;
}

}  // namespace hubgate::typed
