#include "cli/protoc_gen_hubgate/runtime/wire_names.h"

#include "absl/strings/ascii.h"

namespace hubgate::typed {
namespace {

// protoc reports a json_name for every field, so "set explicitly" means "differs from the
// default protoc derives": underscores removed, the letter after each one capitalised.
bool HasExplicitJsonName(const google::protobuf::FieldDescriptor& field) {
  std::string derived;
  bool capitalize_next = false;
  for (char c : field.name()) {
    if (c == '_') {
      capitalize_next = true;
      continue;
    }
    derived.push_back(capitalize_next ? absl::ascii_toupper(c) : c);
    capitalize_next = false;
  }
  return field.json_name() != derived;
}

// SCREAMING_SNAKE to PascalCase, each word capitalised once (`IN_USE` -> "InUse").
std::string ShoutyToPascalCase(absl::string_view shouty) {
  std::string result;
  bool word_start = true;
  for (char c : shouty) {
    if (c == '_') {
      word_start = true;
      continue;
    }
    if (absl::ascii_isdigit(c)) {
      result.push_back(c);
      word_start = true;
      continue;
    }
    result.push_back(word_start ? absl::ascii_toupper(c) : absl::ascii_tolower(c));
    word_start = false;
  }
  return result;
}

}  // namespace

std::string PascalCaseName(absl::string_view snake_name) {
  std::string result;
  bool capitalize_next = true;
  for (char c : snake_name) {
    if (c == '_') {
      capitalize_next = true;
      continue;
    }
    if (absl::ascii_isdigit(c)) {
      result.push_back(c);
      capitalize_next = true;
      continue;
    }
    result.push_back(capitalize_next ? absl::ascii_toupper(c) : c);
    capitalize_next = false;
  }
  return result;
}

std::string JsonPropertyName(const google::protobuf::FieldDescriptor& field,
                             v1::WireNaming naming) {
  if (naming == v1::PROTO_NAMES && !HasExplicitJsonName(field)) {
    return field.name();
  }
  return field.json_name();
}

std::string MessagePackPropertyName(const google::protobuf::FieldDescriptor& field,
                                    v1::WireNaming naming) {
  if (HasExplicitJsonName(field)) {
    return field.json_name();
  }
  return naming == v1::PROTO_NAMES ? field.name() : PascalCaseName(field.name());
}

std::string EnumMemberName(const google::protobuf::EnumValueDescriptor& value) {
  // The prefix is the enum's name in SCREAMING_SNAKE form, compared without underscores and
  // case, as protobuf's C# generator strips it.
  const std::string enum_key = absl::AsciiStrToLower(value.type()->name());
  const std::string& name = value.name();
  size_t matched = 0;
  size_t position = 0;
  while (position < name.size() && matched < enum_key.size()) {
    if (name[position] == '_') {
      ++position;
      continue;
    }
    if (absl::ascii_tolower(name[position]) != enum_key[matched]) {
      break;
    }
    ++position;
    ++matched;
  }
  absl::string_view rest = name;
  if (matched == enum_key.size()) {
    rest.remove_prefix(position);
    while (!rest.empty() && rest.front() == '_') {
      rest.remove_prefix(1);
    }
  }
  if (rest.empty()) {
    rest = name;
  }
  std::string member = ShoutyToPascalCase(rest);
  if (!member.empty() && absl::ascii_isdigit(member.front())) {
    member.insert(member.begin(), '_');
  }
  return member;
}

}  // namespace hubgate::typed
