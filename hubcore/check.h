#pragma once

#include <cstdio>
#include <cstdlib>

namespace hubgate::hubcore {

[[noreturn]] inline void CheckFailed(const char* condition, const char* message, const char* file,
                                     int line) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s (%s)\n", file, line, message, condition);
  std::fflush(stderr);
  std::abort();
}

}  // namespace hubgate::hubcore

// Crashes, in every build type, when an invariant does not hold: a broken invariant is a bug, and
// running on with it would corrupt state (Envoy's RELEASE_ASSERT). Not for bad input, which gets
// an absl::Status.
#define HUBGATE_CHECK(condition, message)                                              \
  do {                                                                                 \
    if (!(condition)) [[unlikely]] {                                                   \
      ::hubgate::hubcore::CheckFailed(#condition, message, __FILE__, __LINE__);        \
    }                                                                                  \
  } while (false)
