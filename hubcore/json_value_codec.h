#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "hubcore/value.h"

namespace hubgate::hubcore {

// Maps between the protocol-neutral Value and JSON.
//  - integers: JSON numbers (int64 / uint64 exactly); doubles: JSON numbers (NaN/Inf become null)
//  - Binary: base64 string; Timestamp: ISO-8601 / RFC 3339 string in UTC ("2024-01-02T03:04:05.123Z")
//  - JSON -> Value: strings stay strings (no guessing of base64 or dates), objects keep key order.
class JsonValueCodec {
 public:
  static boost::json::value ToJson(const Value& value);
  static Value FromJson(const boost::json::value& json);
  // Parses a JSON document (e.g. the Push API's arguments_json) into a Value.
  static absl::StatusOr<Value> Parse(std::string_view json_text);
};

}  // namespace hubgate::hubcore
