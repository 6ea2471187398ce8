#include "services/proto_conversion.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hubgate::services {
namespace {

using hubcore::Audience;
using hubcore::Value;
using hubcore::ValueArray;
using hubcore::ValueMap;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

Value Convert(const v1::Value& proto) {
  absl::StatusOr<Value> value = ProtoConversion::ValueFromProto(proto);
  EXPECT_TRUE(value.ok()) << value.status();
  return value.ok() ? *value : Value();
}

void ExpectInvalid(const absl::Status& status, const std::string& message) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(status.message(), message);
}

// A chain of `levels` Values: levels-1 single-element lists around a string.
v1::Value Nested(int levels) {
  v1::Value root;
  v1::Value* current = &root;
  for (int i = 1; i < levels; ++i) {
    current = current->mutable_list_value()->add_values();
  }
  current->set_string_value("leaf");
  return root;
}

v1::SendRequest ValidSend() {
  v1::SendRequest request;
  request.set_hub("posts");
  request.set_method("PostUpdated");
  request.mutable_all();
  return request;
}

TEST(ValueFromProtoTest, UnsetKindAndNullValueAreNull) {
  EXPECT_TRUE(Convert(v1::Value()).IsNull());
  v1::Value null_value;
  null_value.set_null_value(google::protobuf::NULL_VALUE);
  EXPECT_TRUE(Convert(null_value).IsNull());
}

TEST(ValueFromProtoTest, Scalars) {
  v1::Value proto;
  proto.set_bool_value(true);
  EXPECT_EQ(Convert(proto), Value(true));
  proto.set_int_value(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Convert(proto), Value(std::numeric_limits<int64_t>::min()));
  proto.set_uint_value(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(Convert(proto), Value(std::numeric_limits<uint64_t>::max()));
  proto.set_double_value(2.5);
  EXPECT_EQ(Convert(proto), Value(2.5));
  proto.set_string_value("héllo");
  EXPECT_EQ(Convert(proto), Value("héllo"));
  proto.set_binary_value(std::string("\x00\xff", 2));
  EXPECT_EQ(Convert(proto), Value(hubcore::Binary{std::string("\x00\xff", 2)}));
}

TEST(ValueFromProtoTest, Timestamp) {
  v1::Value proto;
  proto.mutable_timestamp_value()->set_seconds(1'700'000'000);
  proto.mutable_timestamp_value()->set_nanos(123'000'000);
  EXPECT_EQ(Convert(proto), Value(hubcore::Timestamp{1'700'000'000, 123'000'000}));

  proto.mutable_timestamp_value()->set_seconds(-62'135'596'800);  // 0001-01-01T00:00:00Z
  proto.mutable_timestamp_value()->set_nanos(999'999'999);
  EXPECT_EQ(Convert(proto), Value(hubcore::Timestamp{-62'135'596'800, 999'999'999}));
}

TEST(ValueFromProtoTest, TimestampOutOfRange) {
  v1::Value proto;
  proto.mutable_timestamp_value()->set_nanos(-1);
  ExpectInvalid(ProtoConversion::ValueFromProto(proto).status(),
                "arguments: timestamp nanos must be in [0, 999999999], got -1");
  proto.mutable_timestamp_value()->set_nanos(1'000'000'000);
  ExpectInvalid(ProtoConversion::ValueFromProto(proto).status(),
                "arguments: timestamp nanos must be in [0, 999999999], got 1000000000");
  proto.mutable_timestamp_value()->set_nanos(0);
  proto.mutable_timestamp_value()->set_seconds(253'402'300'800);  // 10000-01-01
  ExpectInvalid(ProtoConversion::ValueFromProto(proto).status(),
                "arguments: timestamp seconds must be within years 0001..9999, got 253402300800");
}

TEST(ValueFromProtoTest, ListKeepsOrder) {
  v1::Value proto;
  auto* list = proto.mutable_list_value();
  list->add_values()->set_int_value(1);
  list->add_values()->set_string_value("a");
  list->add_values();  // unset = null
  EXPECT_EQ(Convert(proto), Value(ValueArray{1, "a", nullptr}));

  v1::Value empty;
  empty.mutable_list_value();
  EXPECT_EQ(Convert(empty), Value(ValueArray{}));
}

TEST(ValueFromProtoTest, MapIsSortedByKey) {
  v1::Value proto;
  auto& fields = *proto.mutable_map_value()->mutable_fields();
  fields["zeta"].set_int_value(3);
  fields["alpha"].set_bool_value(false);
  fields["mid"].mutable_map_value()->mutable_fields()->operator[]("x").set_double_value(0.5);
  EXPECT_EQ(Convert(proto), Value(ValueMap{{"alpha", false},
                                           {"mid", Value(ValueMap{{"x", 0.5}})},
                                           {"zeta", 3}}));
}

TEST(ValueFromProtoTest, DepthLimit) {
  EXPECT_TRUE(ProtoConversion::ValueFromProto(Nested(ProtoConversion::kMaxValueDepth)).ok());
  ExpectInvalid(ProtoConversion::ValueFromProto(Nested(ProtoConversion::kMaxValueDepth + 1))
                    .status(),
                "arguments: value nested deeper than 32 levels");

  v1::Value deep_map;
  v1::Value* current = &deep_map;
  for (int i = 0; i < 100; ++i) {
    current = &(*current->mutable_map_value()->mutable_fields())["k"];
  }
  ExpectInvalid(ProtoConversion::ValueFromProto(deep_map).status(),
                "arguments: value nested deeper than 32 levels");
}

TEST(ArgumentsFromRequestTest, NeitherSetMeansNoArguments) {
  auto arguments = ProtoConversion::ArgumentsFromRequest(ValidSend());
  ASSERT_TRUE(arguments.ok()) << arguments.status();
  EXPECT_THAT(*arguments, IsEmpty());
}

TEST(ArgumentsFromRequestTest, ProtoValues) {
  v1::SendRequest request = ValidSend();
  request.mutable_arguments()->add_values()->set_string_value("a");
  request.mutable_arguments()->add_values()->set_int_value(-7);
  auto arguments = ProtoConversion::ArgumentsFromRequest(request);
  ASSERT_TRUE(arguments.ok()) << arguments.status();
  EXPECT_THAT(*arguments, ElementsAre(Value("a"), Value(-7)));
}

TEST(ArgumentsFromRequestTest, ProtoValueErrorsPropagate) {
  v1::SendRequest request = ValidSend();
  *request.mutable_arguments()->add_values() = Nested(ProtoConversion::kMaxValueDepth + 1);
  ExpectInvalid(ProtoConversion::ArgumentsFromRequest(request).status(),
                "arguments: value nested deeper than 32 levels");
}

TEST(ArgumentsFromRequestTest, JsonArray) {
  v1::SendRequest request = ValidSend();
  request.set_arguments_json(R"([{"id":42}, "text", 1.5, null, [true]])");
  auto arguments = ProtoConversion::ArgumentsFromRequest(request);
  ASSERT_TRUE(arguments.ok()) << arguments.status();
  EXPECT_THAT(*arguments, ElementsAre(Value(ValueMap{{"id", 42}}), Value("text"), Value(1.5),
                                      Value(), Value(ValueArray{true})));
}

TEST(ArgumentsFromRequestTest, JsonMustBeAnArray) {
  v1::SendRequest request = ValidSend();
  request.set_arguments_json(R"({"id":42})");
  ExpectInvalid(ProtoConversion::ArgumentsFromRequest(request).status(),
                "arguments_json: expected a JSON array, e.g. [1, \"a\"]");
}

TEST(ArgumentsFromRequestTest, JsonMustParse) {
  v1::SendRequest request = ValidSend();
  for (const char* text : {"[1,", "", "nope"}) {
    request.set_arguments_json(text);
    absl::Status status = ProtoConversion::ArgumentsFromRequest(request).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(std::string(status.message()), StartsWith("arguments_json: invalid JSON: "));
    EXPECT_THAT(absl::AsciiStrToLower(status.message()),
                Not(HasSubstr("invalid json: invalid json")));
  }
}

void ExpectAudience(const v1::SendRequest& request, Audience::Kind kind,
                    const std::vector<std::string>& names,
                    const std::vector<std::string>& excluded) {
  absl::StatusOr<Audience> audience = ProtoConversion::AudienceFromRequest(request);
  ASSERT_TRUE(audience.ok()) << audience.status();
  EXPECT_EQ(audience->kind, kind);
  EXPECT_EQ(audience->names, names);
  EXPECT_EQ(audience->excluded_connection_ids, excluded);
}

TEST(AudienceFromRequestTest, EveryKind) {
  v1::SendRequest request = ValidSend();
  ExpectAudience(request, Audience::Kind::kAll, {}, {});
  request.mutable_all()->add_except_connection_ids("c1");
  ExpectAudience(request, Audience::Kind::kAll, {}, {"c1"});

  request.set_connection_id("c2");
  ExpectAudience(request, Audience::Kind::kConnections, {"c2"}, {});

  request.mutable_connections()->add_connection_ids("c3");
  request.mutable_connections()->add_connection_ids("c4");
  ExpectAudience(request, Audience::Kind::kConnections, {"c3", "c4"}, {});

  request.mutable_group()->set_group("post-42");
  ExpectAudience(request, Audience::Kind::kGroups, {"post-42"}, {});
  request.mutable_group()->add_except_connection_ids("c5");
  ExpectAudience(request, Audience::Kind::kGroups, {"post-42"}, {"c5"});

  request.mutable_groups()->add_groups("g1");
  request.mutable_groups()->add_groups("g2");
  ExpectAudience(request, Audience::Kind::kGroups, {"g1", "g2"}, {});

  request.set_user_id("alice");
  ExpectAudience(request, Audience::Kind::kUsers, {"alice"}, {});

  request.mutable_users()->add_user_ids("bob");
  request.mutable_users()->add_user_ids("carol");
  ExpectAudience(request, Audience::Kind::kUsers, {"bob", "carol"}, {});
}

absl::Status AudienceError(const v1::SendRequest& request) {
  return ProtoConversion::AudienceFromRequest(request).status();
}

TEST(AudienceFromRequestTest, Required) {
  v1::SendRequest request;
  ExpectInvalid(AudienceError(request),
                "audience: one of all, connection_id, connections, group, groups, user_id, "
                "users is required");
}

TEST(AudienceFromRequestTest, EmptyNamesAndLists) {
  v1::SendRequest request;
  request.mutable_all()->add_except_connection_ids("c1");
  request.mutable_all()->add_except_connection_ids("");
  ExpectInvalid(AudienceError(request), "all.except_connection_ids[1]: must not be empty");

  request.set_connection_id("");
  ExpectInvalid(AudienceError(request), "connection_id: must not be empty");

  request.mutable_connections();
  ExpectInvalid(AudienceError(request), "connections.connection_ids: must not be empty");
  request.mutable_connections()->add_connection_ids("");
  ExpectInvalid(AudienceError(request), "connections.connection_ids[0]: must not be empty");

  request.mutable_group();
  ExpectInvalid(AudienceError(request), "group.group: must not be empty");
  request.mutable_group()->set_group("g");
  request.mutable_group()->add_except_connection_ids("");
  ExpectInvalid(AudienceError(request), "group.except_connection_ids[0]: must not be empty");

  request.mutable_groups();
  ExpectInvalid(AudienceError(request), "groups.groups: must not be empty");
  request.mutable_groups()->add_groups("g1");
  request.mutable_groups()->add_groups("");
  ExpectInvalid(AudienceError(request), "groups.groups[1]: must not be empty");

  request.set_user_id("");
  ExpectInvalid(AudienceError(request), "user_id: must not be empty");

  request.mutable_users();
  ExpectInvalid(AudienceError(request), "users.user_ids: must not be empty");
  request.mutable_users()->add_user_ids("");
  ExpectInvalid(AudienceError(request), "users.user_ids[0]: must not be empty");
}

TEST(ValidateSendRequestTest, HubAndMethodRequired) {
  EXPECT_TRUE(ProtoConversion::ValidateSendRequest(ValidSend()).ok());
  v1::SendRequest request = ValidSend();
  request.clear_hub();
  ExpectInvalid(ProtoConversion::ValidateSendRequest(request), "hub: required");
  request = ValidSend();
  request.clear_method();
  ExpectInvalid(ProtoConversion::ValidateSendRequest(request), "method: required");
}

TEST(ValidateGroupRequestTest, AllFieldsRequired) {
  v1::GroupMembershipRequest request;
  ExpectInvalid(ProtoConversion::ValidateGroupRequest(request), "hub: required");
  request.set_hub("posts");
  ExpectInvalid(ProtoConversion::ValidateGroupRequest(request), "connection_id: required");
  request.set_connection_id("c1");
  ExpectInvalid(ProtoConversion::ValidateGroupRequest(request), "group: required");
  request.set_group("g");
  EXPECT_TRUE(ProtoConversion::ValidateGroupRequest(request).ok());
}

}  // namespace
}  // namespace hubgate::services
