#include "gateway/backplane/channel_layout.h"

#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "hubcore/string_view_compat.h"

namespace hubgate::gateway {

namespace {

constexpr char kSeparator = ':';

// The characters that are escaped and their one spelling (upper-case hex, as written).
std::optional<std::string_view> EscapeOf(char c) {
  switch (c) {
    case '%': return "%25";
    case ':': return "%3A";
    case '{': return "%7B";
    case '}': return "%7D";
    default: return std::nullopt;
  }
}

void AppendEscaped(std::string_view part, std::string* out) {
  for (char c : part) {
    if (auto escape = EscapeOf(c)) {
      out->append(*escape);
    } else {
      out->push_back(c);
    }
  }
}

// The inverse of AppendEscaped; nullopt for a part it could not have written (so that Parse
// accepts exactly one spelling per name and the mapping stays a bijection).
std::optional<std::string> Unescape(std::string_view part) {
  std::string out;
  out.reserve(part.size());
  for (size_t i = 0; i < part.size(); ++i) {
    char c = part[i];
    if (c == '{' || c == '}' || c == kSeparator) {
      return std::nullopt;
    }
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (part.size() - i < 3) {
      return std::nullopt;
    }
    std::string_view escape = part.substr(i, 3);
    if (escape == "%25") {
      out.push_back('%');
    } else if (escape == "%3A") {
      out.push_back(':');
    } else if (escape == "%7B") {
      out.push_back('{');
    } else if (escape == "%7D") {
      out.push_back('}');
    } else {
      return std::nullopt;
    }
    i += 2;
  }
  return out;
}

absl::Status Foreign(std::string_view channel, std::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("channel '", AsAbsl(channel), "' is not a backplane channel: ", AsAbsl(why)));
}

}  // namespace

absl::StatusOr<ChannelLayout> ChannelLayout::Create(std::string prefix) {
  if (prefix.empty()) {
    return absl::InvalidArgumentError("backplane.channel_prefix must not be empty");
  }
  for (unsigned char c : prefix) {
    if (c <= 0x20 || c == 0x7F) {
      return absl::InvalidArgumentError(
          "backplane.channel_prefix must not contain spaces or control characters");
    }
  }
  return ChannelLayout(std::move(prefix));
}

std::string ChannelLayout::Name(char kind, std::string_view first,
                                const std::string_view* second) const {
  std::string out;
  out.reserve(prefix_.size() + 3 + first.size() + (second ? second->size() + 1 : 0));
  out.append(prefix_);
  out.push_back(kSeparator);
  out.push_back(kind);
  out.push_back(kSeparator);
  AppendEscaped(first, &out);
  if (second != nullptr) {
    out.push_back(kSeparator);
    AppendEscaped(*second, &out);
  }
  return out;
}

std::string ChannelLayout::Hub(std::string_view hub) const { return Name('h', hub, nullptr); }

std::string ChannelLayout::Group(std::string_view hub, std::string_view group) const {
  return Name('g', hub, &group);
}

std::string ChannelLayout::User(std::string_view hub, std::string_view user) const {
  return Name('u', hub, &user);
}

std::string ChannelLayout::Connection(std::string_view connection_id) const {
  return Name('c', connection_id, nullptr);
}

std::string ChannelLayout::Replica(std::string_view replica) const {
  return Name('r', replica, nullptr);
}

absl::StatusOr<ChannelParts> ChannelLayout::Parse(std::string_view channel) const {
  std::string_view rest = channel;
  if (rest.size() < prefix_.size() + 1 || rest.substr(0, prefix_.size()) != prefix_ ||
      rest[prefix_.size()] != kSeparator) {
    return Foreign(channel, absl::StrCat("it does not start with '", prefix_, ":'"));
  }
  rest.remove_prefix(prefix_.size() + 1);
  std::vector<std::string_view> fields;
  for (size_t start = 0;;) {
    size_t end = rest.find(kSeparator, start);
    fields.push_back(rest.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  if (fields.size() < 2 || fields[0].size() != 1) {
    return Foreign(channel, "no kind");
  }
  ChannelParts parts;
  size_t expected_parts = 1;
  switch (fields[0][0]) {
    case 'h': parts.kind = ChannelKind::kHub; break;
    case 'g': parts.kind = ChannelKind::kGroup; expected_parts = 2; break;
    case 'u': parts.kind = ChannelKind::kUser; expected_parts = 2; break;
    case 'c': parts.kind = ChannelKind::kConnection; break;
    case 'r': parts.kind = ChannelKind::kReplica; break;
    default: return Foreign(channel, "unknown kind");
  }
  if (fields.size() != expected_parts + 1) {
    return Foreign(channel, "wrong number of parts");
  }
  std::optional<std::string> first = Unescape(fields[1]);
  std::optional<std::string> second =
      expected_parts == 2 ? Unescape(fields[2]) : std::optional<std::string>("");
  if (!first || !second) {
    return Foreign(channel, "malformed escape");
  }
  if (parts.kind == ChannelKind::kConnection || parts.kind == ChannelKind::kReplica) {
    parts.name = std::move(*first);
  } else {
    parts.hub = std::move(*first);
    parts.name = std::move(*second);
  }
  return parts;
}

}  // namespace hubgate::gateway
