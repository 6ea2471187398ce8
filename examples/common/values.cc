#include "examples/common/values.h"

#include <cmath>
#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json.hpp"

namespace hubgate::examples {
namespace {

constexpr char kIsoFormat[] = "%Y-%m-%d%ET%H:%M:%E3SZ";

}  // namespace

v1::Value FromJson(const boost::json::value& json) {
  v1::Value value;
  switch (json.kind()) {
    case boost::json::kind::null:
      value.set_null_value(google::protobuf::NULL_VALUE);
      break;
    case boost::json::kind::bool_:
      value.set_bool_value(json.get_bool());
      break;
    case boost::json::kind::int64:
      value.set_int_value(json.get_int64());
      break;
    case boost::json::kind::uint64:
      value.set_uint_value(json.get_uint64());
      break;
    case boost::json::kind::double_:
      value.set_double_value(json.get_double());
      break;
    case boost::json::kind::string:
      value.set_string_value(std::string(json.get_string()));
      break;
    case boost::json::kind::array: {
      v1::ValueList* list = value.mutable_list_value();
      for (const boost::json::value& item : json.get_array()) {
        *list->add_values() = FromJson(item);
      }
      break;
    }
    case boost::json::kind::object: {
      auto* fields = value.mutable_map_value()->mutable_fields();
      for (const auto& [key, item] : json.get_object()) {
        (*fields)[std::string(key)] = FromJson(item);
      }
      break;
    }
  }
  return value;
}

boost::json::value ToJson(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kBoolValue:
      return value.bool_value();
    case v1::Value::kIntValue:
      return value.int_value();
    case v1::Value::kUintValue:
      return value.uint_value();
    case v1::Value::kDoubleValue:
      return value.double_value();
    case v1::Value::kStringValue:
      return boost::json::string(value.string_value());
    case v1::Value::kBinaryValue: {
      const std::string& bytes = value.binary_value();
      return boost::json::string(
          absl::Base64Escape(absl::string_view(bytes.data(), bytes.size())));
    }
    case v1::Value::kTimestampValue: {
      const absl::Time time = absl::FromUnixSeconds(value.timestamp_value().seconds()) +
                              absl::Nanoseconds(value.timestamp_value().nanos());
      return boost::json::string(absl::FormatTime(kIsoFormat, time, absl::UTCTimeZone()));
    }
    case v1::Value::kListValue: {
      boost::json::array array;
      for (const v1::Value& item : value.list_value().values()) {
        array.push_back(ToJson(item));
      }
      return array;
    }
    case v1::Value::kMapValue: {
      boost::json::object object;
      for (const auto& [key, item] : value.map_value().fields()) {
        object[key] = ToJson(item);
      }
      return object;
    }
    case v1::Value::kNullValue:
    case v1::Value::KIND_NOT_SET:
      break;
  }
  return nullptr;
}

std::optional<std::string> IdArgument(const v1::Value& value) {
  switch (value.kind_case()) {
    case v1::Value::kStringValue:
      if (value.string_value().empty()) {
        return std::nullopt;
      }
      return value.string_value();
    case v1::Value::kIntValue:
      return absl::StrCat(value.int_value());
    case v1::Value::kUintValue:
      return absl::StrCat(value.uint_value());
    case v1::Value::kDoubleValue: {
      // A number that went through a JavaScript double, e.g. 42.0.
      const double number = value.double_value();
      if (std::isfinite(number) && std::trunc(number) == number && std::fabs(number) < 9.0e15) {
        return absl::StrCat(static_cast<std::int64_t>(number));
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

std::optional<std::string> StringArgument(const v1::Value& value) {
  if (value.kind_case() != v1::Value::kStringValue) {
    return std::nullopt;
  }
  return value.string_value();
}

std::string NowIso8601() {
  return absl::FormatTime(kIsoFormat, absl::Now(), absl::UTCTimeZone());
}

}  // namespace hubgate::examples
