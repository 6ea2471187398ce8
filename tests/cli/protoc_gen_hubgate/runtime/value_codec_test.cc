#include "cli/protoc_gen_hubgate/runtime/value_codec.h"

#include <cstdint>
#include <limits>
#include <string>

#include "everything.pb.h"
#include "gtest/gtest.h"

namespace hubgate::typed {
namespace {

using typedtest::v1::Everything;
using typedtest::v1::Probe;
using typedtest::v1::SendCommentArgs;

const v1::Value& Property(const v1::Value& object, const std::string& name) {
  static const v1::Value kMissing;
  auto it = object.map_value().fields().find(name);
  return it == object.map_value().fields().end() ? kMissing : it->second;
}

v1::Value Int(int64_t value) {
  v1::Value result;
  result.set_int_value(value);
  return result;
}

v1::Value Text(std::string text) {
  v1::Value result;
  result.set_string_value(std::move(text));
  return result;
}

v1::Value Null() {
  v1::Value result;
  result.set_null_value(google::protobuf::NULL_VALUE);
  return result;
}

v1::Value Object(std::initializer_list<std::pair<std::string, v1::Value>> properties) {
  v1::Value result;
  for (const auto& [name, value] : properties) {
    (*result.mutable_map_value()->mutable_fields())[name] = value;
  }
  return result;
}

TEST(ValueCodecTest, EncodesEveryKindInTheJsonFormWithCamelCaseNames) {
  Everything everything;
  everything.set_flag(true);
  everything.set_big(std::numeric_limits<int64_t>::min());
  everything.set_huge(std::numeric_limits<uint64_t>::max());
  everything.set_blob(std::string("\x00\xff", 2));
  everything.mutable_at()->set_seconds(1714564800);
  everything.mutable_at()->set_nanos(500000000);
  everything.set_severity(typedtest::v1::SEVERITY_HIGH_RISK);
  everything.add_tags("a");
  (*everything.mutable_counters())["beds"] = 7;
  everything.mutable_address()->set_house_number(4);
  everything.set_ward_id("4B");

  const v1::Value value = EncodeMessage(everything, v1::CAMEL_CASE);

  EXPECT_TRUE(Property(value, "flag").bool_value());
  EXPECT_EQ(Property(value, "big").int_value(), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(Property(value, "huge").uint_value(), std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(Property(value, "blob").binary_value(), std::string("\x00\xff", 2));
  EXPECT_EQ(Property(value, "at").timestamp_value().seconds(), 1714564800);
  EXPECT_EQ(Property(value, "at").timestamp_value().nanos(), 500000000);
  EXPECT_EQ(Property(value, "severity").int_value(), 2);  // a number, as System.Text.Json sends
  EXPECT_EQ(Property(value, "tags").list_value().values(0).string_value(), "a");
  EXPECT_EQ(Property(value, "counters").map_value().fields().at("beds").int_value(), 7);
  EXPECT_EQ(Property(Property(value, "address"), "houseNumber").int_value(), 4);
  EXPECT_EQ(Property(value, "ward").string_value(), "4B");  // the explicit json_name
  // Unset nullables are null; an unset DateTime is C#'s default(DateTime).
  EXPECT_EQ(Property(value, "maybeSmall").kind_case(), v1::Value::kNullValue);
  EXPECT_EQ(Property(value, "maybeText").kind_case(), v1::Value::kNullValue);
  EXPECT_EQ(EncodeMessage(Everything(), v1::CAMEL_CASE).map_value().fields().at("at")
                .timestamp_value().seconds(),
            -62135596800);
}

TEST(ValueCodecTest, ProtoNamesKeepFieldNames) {
  const v1::Value value = EncodeMessage(Everything(), v1::PROTO_NAMES);
  EXPECT_TRUE(value.map_value().fields().contains("addresses_by_name"));
  EXPECT_FALSE(value.map_value().fields().contains("addressesByName"));
}

TEST(ValueCodecTest, DecodesWhatEncodingProduced) {
  Everything everything;
  everything.set_small(-5);
  everything.set_ratio(0.5F);
  everything.set_text("hello");
  everything.mutable_maybe_text()->set_value("");
  everything.set_maybe_small(0);
  everything.add_severities(typedtest::v1::SEVERITY_LOW);
  everything.add_addresses()->set_street("Main");
  (*everything.mutable_addresses_by_name())["home"].set_street("Elm");
  everything.mutable_at()->set_seconds(-62135596800);  // unset, it is default(DateTime)

  Everything decoded;
  ASSERT_TRUE(DecodeMessage(EncodeMessage(everything, v1::CAMEL_CASE), decoded).ok());

  EXPECT_EQ(decoded.DebugString(), everything.DebugString());
}

TEST(ValueCodecTest, AcceptsTheMessagePackFormAndTheJsonFormOfEachValue) {
  const v1::Value messagepack = Object({{"Severity", Text("HighRisk")},
                                        {"HouseNumber", Int(1)},
                                        {"Blob", Text("AP8=")},  // base64 from JSON clients
                                        {"At", Text("2024-05-01T12:00:00.5+02:00")},
                                        {"MaybeSmall", Null()},
                                        {"unknownProperty", Int(1)}});
  Everything decoded;
  ASSERT_TRUE(DecodeMessage(messagepack, decoded).ok());
  EXPECT_EQ(decoded.severity(), typedtest::v1::SEVERITY_HIGH_RISK);
  EXPECT_EQ(decoded.blob(), std::string("\x00\xff", 2));
  EXPECT_EQ(decoded.at().seconds(), 1714557600);  // 10:00Z
  EXPECT_EQ(decoded.at().nanos(), 500000000);
  EXPECT_FALSE(decoded.has_maybe_small());
}

TEST(ValueCodecTest, RefusesValuesDotNetWouldNotBind) {
  Everything decoded;
  // null for a value type
  EXPECT_EQ(DecodeMessage(Object({{"small", Null()}}), decoded).message(),
            "small: expected a value, got null");
  // out of int32's range
  EXPECT_EQ(DecodeMessage(Object({{"small", Int(int64_t{1} << 32)}}), decoded).message(),
            "small: expected an integer in the range of int32, got 4294967296");
  // a string for an integer
  EXPECT_EQ(DecodeMessage(Object({{"big", Text("1")}}), decoded).message(),
            "big: expected an integer in the range of int64, got a string");
  // a timestamp without an offset
  EXPECT_FALSE(DecodeMessage(Object({{"at", Text("2024-05-01T12:00:00")}}), decoded).ok());
  // an undeclared enum name
  EXPECT_EQ(DecodeMessage(Object({{"severity", Text("Medium")}}), decoded).message(),
            "severity: 'Medium' is not a member of Severity");
  // nested too deeply
  v1::Value deep = Object({});
  for (int i = 0; i < kMaxValueDepth; ++i) {
    v1::Value children;
    *children.mutable_list_value()->add_values() = deep;
    deep = Object({{"children", children}});
  }
  EXPECT_EQ(DecodeMessage(Object({{"tree", deep}}), decoded).message().substr(0, 16),
            "tree: children: ");
  EXPECT_NE(DecodeMessage(Object({{"tree", deep}}), decoded).message().find(
                "values are nested deeper than 32 levels"),
            std::string::npos);
}

TEST(ValueCodecTest, NullIsAcceptedForReferenceTypes) {
  Everything decoded;
  decoded.set_text("old");
  ASSERT_TRUE(DecodeMessage(Object({{"text", Null()}, {"tags", Null()}, {"address", Null()},
                                     {"blob", Null()}}),
                            decoded)
                  .ok());
  EXPECT_EQ(decoded.text(), "");
  EXPECT_FALSE(decoded.has_address());
}

TEST(ValueCodecTest, ArgumentsAreOnePerFieldOrOneObject) {
  SendCommentArgs args;
  args.set_post_id(42);
  args.set_content("hi");
  const std::vector<v1::Value> parameters = EncodeArguments(args, v1::PARAMETERS, v1::CAMEL_CASE);
  ASSERT_EQ(parameters.size(), 2u);
  EXPECT_EQ(parameters[0].int_value(), 42);
  EXPECT_EQ(parameters[1].string_value(), "hi");
  const std::vector<v1::Value> object = EncodeArguments(args, v1::OBJECT, v1::CAMEL_CASE);
  ASSERT_EQ(object.size(), 1u);
  EXPECT_EQ(Property(object[0], "postId").int_value(), 42);
}

TEST(ValueCodecTest, DecodingArgumentsReportsTheCountInAspNetsWords) {
  google::protobuf::RepeatedPtrField<v1::Value> arguments;
  *arguments.Add() = Int(1);
  SendCommentArgs args;
  const absl::Status status = DecodeArguments(arguments, v1::PARAMETERS, args);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(), "Invocation provides 1 argument(s) but target expects 2.");

  *arguments.Add() = Int(2);
  const absl::Status wrong_type = DecodeArguments(arguments, v1::PARAMETERS, args);
  EXPECT_EQ(wrong_type.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong_type.message(),
            "argument 2 (content): expected a string, got an integer");
}

TEST(ValueCodecTest, ResultFieldIsTheBareValue) {
  typedtest::v1::Tags tags;
  tags.add_tags("x");
  const v1::Value value = EncodeResult(tags, v1::RESULT_FIELD, v1::CAMEL_CASE);
  ASSERT_EQ(value.list_value().values_size(), 1);
  typedtest::v1::Tags decoded;
  ASSERT_TRUE(DecodeResult(value, v1::RESULT_FIELD, decoded).ok());
  EXPECT_EQ(decoded.tags(0), "x");

  Probe probe;
  EXPECT_EQ(DecodeResult(Int(1), v1::RESULT_OBJECT, probe).message(),
            "result: expected an object (Probe), got an integer");
}

}  // namespace
}  // namespace hubgate::typed
