#pragma once

// Converting between hubgate.v1.Value (what the gateway sends and receives) and Boost.JSON.
//
// Building a hub method's arguments as a boost::json::object and converting it once with
// FromJson() keeps handler code short:
//
//   v1::Value comment = FromJson(boost::json::object{{"postId", 42}, {"content", "hi"}});

#include <optional>
#include <string>

#include "boost/json/value.hpp"
#include "hubgate/v1/push.pb.h"

namespace hubgate::examples {

// JSON to Value: null, bool, int64 (int_value), uint64 (uint_value), double, string, array
// (list_value) and object (map_value).
v1::Value FromJson(const boost::json::value& json);

// Value to JSON, with the gateway's conventions: binary as base64, timestamps as ISO-8601 UTC.
boost::json::value ToJson(const v1::Value& value);

// An identifier argument such as a post id: a non-empty string, or an integer (JSON clients
// send 42, not "42"), as text. Anything else gives nullopt.
std::optional<std::string> IdArgument(const v1::Value& value);

// A string argument (may be empty); nullopt when the value is not a string.
std::optional<std::string> StringArgument(const v1::Value& value);

// The current time as ISO-8601 UTC with milliseconds, e.g. "2024-05-01T12:00:00.500Z".
std::string NowIso8601();

}  // namespace hubgate::examples
