#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hubcore/check.h"

namespace hubgate::fuzz {

// The fuzzer's bytes as text.
inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// Splits `input` into chunks whose sizes come from the input itself: the first byte picks the
// chunk size (1..64), so the fuzzer explores every way a stream can be cut between reads.
template <typename Fn>
void ForEachChunk(std::string_view input, Fn&& fn) {
  if (input.empty()) {
    return;
  }
  const size_t chunk = static_cast<unsigned char>(input.front()) % 64 + 1;
  input.remove_prefix(1);
  while (!input.empty()) {
    const size_t take = input.size() < chunk ? input.size() : chunk;
    if (!fn(input.substr(0, take))) {
      return;
    }
    input.remove_prefix(take);
  }
}

}  // namespace hubgate::fuzz
