#include "hubcore/json_value_codec.h"

#include <cmath>
#include <string>
#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "boost/json/monotonic_resource.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/parse_options.hpp"

namespace hubgate::hubcore {

namespace {

// System.Text.Json's default maximum depth; Boost.JSON's default (32) is stricter than .NET.
constexpr size_t kMaxJsonDepth = 64;

// RFC 3339 in UTC. "%E*S" prints the fractional seconds with as many digits as needed and
// omits them (and the dot) when they are zero.
constexpr char kTimestampFormat[] = "%Y-%m-%dT%H:%M:%E*SZ";

std::string FormatTimestamp(const Timestamp& timestamp) {
  const absl::Time time =
      absl::FromUnixSeconds(timestamp.seconds) + absl::Nanoseconds(timestamp.nanos);
  return absl::FormatTime(kTimestampFormat, time, absl::UTCTimeZone());
}

struct ToJsonVisitor {
  boost::json::value operator()(std::monostate) const { return nullptr; }
  boost::json::value operator()(bool v) const { return v; }
  boost::json::value operator()(int64_t v) const { return v; }
  boost::json::value operator()(uint64_t v) const { return v; }
  boost::json::value operator()(double v) const {
    // JSON has no NaN or infinity; JSON.stringify writes null for them too.
    if (!std::isfinite(v)) {
      return nullptr;
    }
    return v;
  }
  boost::json::value operator()(const std::string& v) const { return boost::json::string(v); }
  boost::json::value operator()(const Binary& v) const {
    return boost::json::string(absl::Base64Escape(v.bytes));
  }
  boost::json::value operator()(const Timestamp& v) const {
    return boost::json::string(FormatTimestamp(v));
  }
  boost::json::value operator()(const ValueArray& v) const {
    boost::json::array array;
    array.reserve(v.size());
    for (const Value& element : v) {
      array.push_back(JsonValueCodec::ToJson(element));
    }
    return array;
  }
  boost::json::value operator()(const ValueMap& v) const {
    boost::json::object object;
    object.reserve(v.size());
    for (const auto& [key, element] : v) {
      // boost::json::object keeps insertion order; a repeated key keeps its first value.
      object.emplace(key, JsonValueCodec::ToJson(element));
    }
    return object;
  }
};

}  // namespace

boost::json::value JsonValueCodec::ToJson(const Value& value) {
  return std::visit(ToJsonVisitor{}, value.storage());
}

Value JsonValueCodec::FromJson(const boost::json::value& json) {
  switch (json.kind()) {
    case boost::json::kind::null:
      return Value();
    case boost::json::kind::bool_:
      return Value(json.get_bool());
    case boost::json::kind::int64:
      return Value(json.get_int64());
    case boost::json::kind::uint64:
      return Value(json.get_uint64());
    case boost::json::kind::double_:
      return Value(json.get_double());
    case boost::json::kind::string: {
      const boost::json::string& s = json.get_string();
      return Value(std::string(s.data(), s.size()));
    }
    case boost::json::kind::array: {
      const boost::json::array& array = json.get_array();
      ValueArray values;
      values.reserve(array.size());
      for (const boost::json::value& element : array) {
        values.push_back(FromJson(element));
      }
      return Value(std::move(values));
    }
    case boost::json::kind::object: {
      const boost::json::object& object = json.get_object();
      ValueMap entries;
      entries.reserve(object.size());
      for (const auto& entry : object) {
        entries.emplace_back(std::string(entry.key()), FromJson(entry.value()));
      }
      return Value(std::move(entries));
    }
  }
  return Value();
}

absl::StatusOr<Value> JsonValueCodec::Parse(std::string_view json_text) {
  // The DOM only lives until it is converted, so a monotonic arena avoids per-node frees.
  boost::json::monotonic_resource arena;
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value json = boost::json::parse(json_text, ec, &arena, options);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat("Invalid JSON: ", ec.message()));
  }
  return FromJson(json);
}

}  // namespace hubgate::hubcore
