#include "gateway/ops/yaml_fields.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"

namespace hubgate::gateway::yaml_fields {

absl::Status KeyError(absl::string_view path, const YAML::Node& node, absl::string_view what) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null() || mark.line < 0) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
  }
  return absl::InvalidArgumentError(absl::StrFormat("%s (line %d): %s", path, mark.line + 1, what));
}

absl::Status ForEachKey(const YAML::Node& node, const std::string& path,
                        std::initializer_list<std::string_view> keys, KeyFn fn) {
  if (!node.IsMap()) return KeyError(path.empty() ? "(top level)" : path, node, "expected a map");
  absl::flat_hash_set<std::string> seen;
  for (const auto& entry : node) {
    const YAML::Node& key_node = entry.first;
    const std::string key = key_node.IsScalar() ? key_node.Scalar() : "";
    const std::string key_path = path.empty() ? key : absl::StrCat(path, ".", key);
    if (!key_node.IsScalar()) {
      return KeyError(path.empty() ? "(top level)" : path, key_node, "keys must be plain strings");
    }
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      return KeyError(key_path, key_node, "unknown key");
    }
    if (!seen.insert(key).second) return KeyError(key_path, key_node, "duplicate key");
    if (entry.second.IsNull()) {
      // A null node has no useful position, so report the key's line.
      return KeyError(key_path, key_node, "missing value (write \"\" for an empty string)");
    }
    if (absl::Status s = fn(key, entry.second, key_path); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ReadString(const YAML::Node& node, const std::string& path, std::string& out) {
  if (!node.IsScalar()) return KeyError(path, node, "expected a string");
  out = node.Scalar();
  return absl::OkStatus();
}

absl::Status ReadBool(const YAML::Node& node, const std::string& path, bool& out) {
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, out)) {
    return KeyError(path, node, "expected true or false");
  }
  return absl::OkStatus();
}

absl::Status ReadInt(const YAML::Node& node, const std::string& path, int64_t min, int64_t max,
                     absl::string_view expected, int64_t& out) {
  if (!node.IsScalar() || !absl::SimpleAtoi(node.Scalar(), &out) || out < min || out > max) {
    return KeyError(path, node, expected);
  }
  return absl::OkStatus();
}

absl::Status ReadSize(const YAML::Node& node, const std::string& path, size_t& out) {
  int64_t value = 0;
  if (absl::Status s = ReadInt(node, path, 1, INT64_MAX, "expected a positive integer", value);
      !s.ok()) {
    return s;
  }
  out = static_cast<size_t>(value);
  return absl::OkStatus();
}

absl::Status ReadDuration(const YAML::Node& node, const std::string& path,
                          std::chrono::milliseconds& out) {
  absl::Duration d;
  if (!node.IsScalar() || !absl::ParseDuration(node.Scalar(), &d) || d <= absl::ZeroDuration() ||
      d == absl::InfiniteDuration()) {
    return KeyError(path, node, "expected a positive duration such as 15s, 500ms or 1m30s");
  }
  out = absl::ToChronoMilliseconds(d);
  if (out.count() <= 0) return KeyError(path, node, "must be at least 1ms");
  return absl::OkStatus();
}

absl::Status ReadNonNegativeDuration(const YAML::Node& node, const std::string& path,
                                     std::chrono::milliseconds& out) {
  absl::Duration d;
  if (!node.IsScalar() || !absl::ParseDuration(node.Scalar(), &d) || d < absl::ZeroDuration() ||
      d == absl::InfiniteDuration()) {
    return KeyError(path, node, "expected a duration such as 0s, 30s or 5m");
  }
  out = absl::ToChronoMilliseconds(d);
  return absl::OkStatus();
}

absl::Status ReadStringList(const YAML::Node& node, const std::string& path,
                            absl::string_view expected_list, absl::string_view expected_item,
                            std::vector<std::string>& out) {
  if (!node.IsSequence()) return KeyError(path, node, expected_list);
  out.clear();
  for (size_t i = 0; i < node.size(); ++i) {
    if (!node[i].IsScalar() || node[i].Scalar().empty()) {
      return KeyError(absl::StrCat(path, "[", i, "]"), node[i], expected_item);
    }
    out.push_back(node[i].Scalar());
  }
  return absl::OkStatus();
}

}  // namespace hubgate::gateway::yaml_fields
