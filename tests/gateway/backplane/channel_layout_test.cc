#include "gateway/backplane/channel_layout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "gateway/backplane/redis_slot.h"

namespace hubgate::gateway {
namespace {

using ::testing::HasSubstr;

ChannelLayout Layout(std::string prefix = "hubgate") {
  auto layout = ChannelLayout::Create(std::move(prefix));
  EXPECT_TRUE(layout.ok()) << layout.status();
  return *layout;
}

TEST(ChannelLayoutTest, NamesEveryKindOfChannelAfterThePrefix) {
  ChannelLayout layout = Layout("hg");
  EXPECT_EQ(layout.Hub("chat"), "hg:h:chat");
  EXPECT_EQ(layout.Group("chat", "room1"), "hg:g:chat:room1");
  EXPECT_EQ(layout.User("chat", "alice"), "hg:u:chat:alice");
  EXPECT_EQ(layout.Connection("AAECAwQFBgcICQoLDA0ODw"), "hg:c:AAECAwQFBgcICQoLDA0ODw");
  EXPECT_EQ(layout.Replica("pod-7"), "hg:r:pod-7");
}

TEST(ChannelLayoutTest, RefusesAnEmptyPrefixOrOneWithControlCharacters) {
  EXPECT_THAT(ChannelLayout::Create("").status().message(), HasSubstr("channel_prefix"));
  EXPECT_FALSE(ChannelLayout::Create("a\nb").ok());
  EXPECT_FALSE(ChannelLayout::Create("a b").ok());
}

TEST(ChannelLayoutTest, EscapesTheSeparatorTheEscapeAndHashTagBraces) {
  ChannelLayout layout = Layout();
  EXPECT_EQ(layout.Group("a:b", "c"), "hubgate:g:a%3Ab:c");
  EXPECT_EQ(layout.Group("a", "b:c"), "hubgate:g:a:b%3Ac");
  EXPECT_EQ(layout.User("chat", "100%"), "hubgate:u:chat:100%25");
  EXPECT_EQ(layout.User("chat", "{x}"), "hubgate:u:chat:%7Bx%7D");
}

TEST(ChannelLayoutTest, NamesThatLookAlikeNeverShareAChannel) {
  ChannelLayout layout = Layout();
  // Pairs whose plain concatenation with ':' would collide, and names containing the escape.
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"a:b", "c"}, {"a", "b:c"},   {"a:b:c", ""}, {"", "a:b:c"},   {"a%3Ab", "c"},
      {"a", "b%3Ac"}, {"a%", "3Ab:c"}, {"a%25", "b"}, {"a%", "25b"}, {"a", "%25b"},
  };
  absl::flat_hash_set<std::string> seen;
  for (const auto& [hub, group] : pairs) {
    EXPECT_TRUE(seen.insert(layout.Group(hub, group)).second) << hub << " / " << group;
    EXPECT_TRUE(seen.insert(layout.User(hub, group)).second) << hub << " / " << group;
  }
  // A hub's channel never equals a group or user channel either.
  EXPECT_TRUE(seen.insert(layout.Hub("a:b:c")).second);
  EXPECT_TRUE(seen.insert(layout.Connection("a:b:c")).second);
}

TEST(ChannelLayoutTest, UserNamesCannotPickTheClusterSlot) {
  ChannelLayout layout = Layout();
  // Unescaped, "{t}" would be a hash tag and every such user would land on the slot of "t".
  EXPECT_NE(RedisSlot(layout.User("chat", "{t}1")), RedisSlot("t"));
}

TEST(ChannelLayoutTest, ParsesEveryKindBack) {
  ChannelLayout layout = Layout();
  auto hub = layout.Parse(layout.Hub("a:b"));
  ASSERT_TRUE(hub.ok()) << hub.status();
  EXPECT_EQ(hub->kind, ChannelKind::kHub);
  EXPECT_EQ(hub->hub, "a:b");

  auto group = layout.Parse(layout.Group("chat%", "x:{y}"));
  ASSERT_TRUE(group.ok()) << group.status();
  EXPECT_EQ(group->kind, ChannelKind::kGroup);
  EXPECT_EQ(group->hub, "chat%");
  EXPECT_EQ(group->name, "x:{y}");

  auto user = layout.Parse(layout.User("chat", ""));
  ASSERT_TRUE(user.ok()) << user.status();
  EXPECT_EQ(user->kind, ChannelKind::kUser);
  EXPECT_EQ(user->hub, "chat");
  EXPECT_EQ(user->name, "");

  auto connection = layout.Parse(layout.Connection("c1"));
  ASSERT_TRUE(connection.ok()) << connection.status();
  EXPECT_EQ(connection->kind, ChannelKind::kConnection);
  EXPECT_EQ(connection->name, "c1");

  auto replica = layout.Parse(layout.Replica("r:1"));
  ASSERT_TRUE(replica.ok()) << replica.status();
  EXPECT_EQ(replica->kind, ChannelKind::kReplica);
  EXPECT_EQ(replica->name, "r:1");
}

TEST(ChannelLayoutTest, RefusesNamesOfAnotherLayout) {
  ChannelLayout layout = Layout("hubgate");
  const std::vector<std::string> foreign = {
      "",
      "other:h:chat",         // another prefix
      "hubgatex:h:chat",      // a prefix that only starts alike
      "hubgate",              // the prefix alone
      "hubgate:",             // no kind
      "hubgate:x:chat",       // unknown kind
      "hubgate:h",            // no hub
      "hubgate:h:a:b",        // a raw separator inside a name
      "hubgate:g:chat",       // a group without its name
      "hubgate:g:chat:a:b",   // one part too many
      "hubgate:c:a:b",
      "hubgate:u:chat:%",     // a truncated escape
      "hubgate:u:chat:%3",
      "hubgate:u:chat:%41",   // an escape of a character that is never escaped
      "hubgate:u:chat:%3a",   // lower case: not the one spelling we write
      "hubgate:u:chat:{x}",   // a brace we would have escaped
  };
  for (const std::string& name : foreign) {
    auto parsed = layout.Parse(name);
    EXPECT_FALSE(parsed.ok()) << "'" << name << "' parsed as kind "
                              << static_cast<int>(parsed->kind);
    if (!parsed.ok()) {
      EXPECT_TRUE(absl::IsInvalidArgument(parsed.status())) << parsed.status();
    }
  }
}

TEST(ChannelLayoutTest, ParsingWhatItNamedGivesTheSameParts) {
  ChannelLayout layout = Layout("p");
  const std::vector<std::string> names = {"", "a", ":", "%", "%%3A", "{}", "}{", "a:%7B:b",
                                          std::string("nul\0byte", 8), "é"};
  for (const std::string& hub : names) {
    for (const std::string& group : names) {
      auto parsed = layout.Parse(layout.Group(hub, group));
      ASSERT_TRUE(parsed.ok()) << parsed.status();
      EXPECT_EQ(parsed->hub, hub);
      EXPECT_EQ(parsed->name, group);
    }
  }
}

}  // namespace
}  // namespace hubgate::gateway
