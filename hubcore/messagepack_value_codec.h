#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "hubcore/value.h"

namespace hubgate::hubcore {

// Appends MessagePack to a string, choosing the wire form the way @msgpack/msgpack (the JS
// client's codec) does, so equal values give equal bytes:
//  - integers in their smallest form (fixint, uint8..64, int8..64)
//  - doubles always as float64, also when a float32 would be exact (JS writes float64; .NET and
//    the JS reader accept both)
//  - str / bin / array / map with the smallest length header
//  - Timestamp as ext type -1 in the smallest exact form: 32 bits when there are no nanoseconds
//    and 0 <= seconds < 2^32, 64 bits when 0 <= seconds < 2^34, else 96 bits
class MessagePackWriter {
 public:
  explicit MessagePackWriter(std::string* out) : out_(out) {}

  void Nil();
  void Bool(bool value);
  void Int(int64_t value);
  void Uint(uint64_t value);
  void Double(double value);
  void String(std::string_view value);
  void Bin(std::string_view bytes);
  void Time(const Timestamp& value);
  void ArrayHeader(size_t size);
  void MapHeader(size_t size);
  // Any Value, recursively. Map entries are written in their stored order, duplicates included.
  void Write(const Value& value);

 private:
  std::string* out_;
};

// One element of a decoded top-level array. Elements that are arrays stay unwrapped so callers
// can move them out (Value only gives const access to its contents).
using MessagePackElement = std::variant<Value, ValueArray>;

// Maps MessagePack to the protocol-neutral Value:
//  - nil, bool, str, bin, float32/float64 (as double), arrays and maps map one to one
//  - integers: int64 when they fit, uint64 above INT64_MAX
//  - ext -1 (timestamp 32/64/96) becomes a Timestamp; other ext types are rejected
//  - map keys must be strings (what the JS client and .NET write); other keys are rejected
//    rather than stringified, so a value never changes its meaning on the way through
//  - nesting deeper than kMaxMessagePackDepth (the JSON codec's limit) is rejected
// Errors are HubProtocolError()s; the input is never read past its end.
inline constexpr size_t kMaxMessagePackDepth = 64;

class MessagePackValueCodec {
 public:
  static void Write(const Value& value, std::string* out);
  // Decodes exactly one value that fills all of data.
  static absl::StatusOr<Value> Parse(std::string_view data);
  // Decodes exactly one array that fills all of data (a hub message envelope). The array itself
  // counts as one level of nesting.
  static absl::StatusOr<std::vector<MessagePackElement>> ParseArray(std::string_view data);
};

}  // namespace hubgate::hubcore
