#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace hubgate::gateway {

// The kinds of backplane channel (docs/scale-out.md, "What Redis is used for").
enum class ChannelKind {
  kHub,         // {prefix}:h:{hub}: pushes to all / all-except
  kGroup,       // {prefix}:g:{hub}:{group}
  kUser,        // {prefix}:u:{hub}:{user}
  kConnection,  // {prefix}:c:{connection}: pushes to it, requests about it
  kReplica,     // {prefix}:r:{replica}: replies to that replica's requests
};

// What a channel name stands for. `hub` is empty for connection and replica channels; `name` is
// the group, user, connection or replica (empty for a hub channel).
struct ChannelParts {
  ChannelKind kind = ChannelKind::kHub;
  std::string hub;
  std::string name;
};

// Names the backplane channels under one prefix, and reads them back. Every part after the
// prefix is escaped so that the mapping is injective: '%' becomes "%25", ':' "%3A", '{' "%7B"
// and '}' "%7D". The separator therefore never appears inside a part, so a group "a:b" of hub
// "c" cannot meet group "b" of hub "c:a"; and no part can contain a Redis Cluster hash tag, so
// user-chosen names cannot pile channels onto one slot. Immutable; safe from any thread.
class ChannelLayout {
 public:
  // InvalidArgument for an empty prefix or one with spaces or control characters.
  static absl::StatusOr<ChannelLayout> Create(std::string prefix);

  std::string Hub(std::string_view hub) const;
  std::string Group(std::string_view hub, std::string_view group) const;
  std::string User(std::string_view hub, std::string_view user) const;
  std::string Connection(std::string_view connection_id) const;
  std::string Replica(std::string_view replica) const;

  // The parts of a name this layout made; InvalidArgument for anything else (another prefix,
  // an unknown kind, a wrong number of parts, an escape this layout never writes).
  absl::StatusOr<ChannelParts> Parse(std::string_view channel) const;

  const std::string& prefix() const { return prefix_; }

 private:
  explicit ChannelLayout(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string Name(char kind, std::string_view first, const std::string_view* second) const;

  std::string prefix_;
};

}  // namespace hubgate::gateway
