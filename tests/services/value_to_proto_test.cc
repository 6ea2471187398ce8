#include <cstdint>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "services/proto_conversion.h"

namespace hubgate::services {
namespace {

using hubcore::Value;
using hubcore::ValueArray;
using hubcore::ValueMap;

TEST(ValueToProtoTest, NullIsAnExplicitNullValue) {
  v1::Value proto = ProtoConversion::ValueToProto(Value());
  EXPECT_EQ(proto.kind_case(), v1::Value::kNullValue);
}

TEST(ValueToProtoTest, Scalars) {
  EXPECT_TRUE(ProtoConversion::ValueToProto(Value(true)).bool_value());
  EXPECT_EQ(ProtoConversion::ValueToProto(Value(std::numeric_limits<int64_t>::min())).int_value(),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ProtoConversion::ValueToProto(Value(std::numeric_limits<uint64_t>::max())).uint_value(),
            std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(ProtoConversion::ValueToProto(Value(2.5)).double_value(), 2.5);
  EXPECT_EQ(ProtoConversion::ValueToProto(Value("héllo")).string_value(), "héllo");
  v1::Value binary =
      ProtoConversion::ValueToProto(Value(hubcore::Binary{std::string("\x00\xff", 2)}));
  ASSERT_EQ(binary.kind_case(), v1::Value::kBinaryValue);
  EXPECT_EQ(binary.binary_value(), std::string("\x00\xff", 2));
}

TEST(ValueToProtoTest, Timestamp) {
  v1::Value proto =
      ProtoConversion::ValueToProto(Value(hubcore::Timestamp{1'700'000'000, 123'000'000}));
  ASSERT_EQ(proto.kind_case(), v1::Value::kTimestampValue);
  EXPECT_EQ(proto.timestamp_value().seconds(), 1'700'000'000);
  EXPECT_EQ(proto.timestamp_value().nanos(), 123'000'000);
}

TEST(ValueToProtoTest, ListAndMap) {
  Value value(ValueMap{{"items", Value(ValueArray{1, "a", nullptr})},
                       {"nested", Value(ValueMap{{"x", 0.5}})},
                       {"empty", Value(ValueArray{})}});
  v1::Value proto = ProtoConversion::ValueToProto(value);
  const auto& fields = proto.map_value().fields();
  ASSERT_EQ(fields.size(), 3u);
  const v1::ValueList& items = fields.at("items").list_value();
  ASSERT_EQ(items.values_size(), 3);
  EXPECT_EQ(items.values(0).int_value(), 1);
  EXPECT_EQ(items.values(1).string_value(), "a");
  EXPECT_EQ(items.values(2).kind_case(), v1::Value::kNullValue);
  EXPECT_EQ(fields.at("nested").map_value().fields().at("x").double_value(), 0.5);
  EXPECT_EQ(fields.at("empty").kind_case(), v1::Value::kListValue);
  EXPECT_EQ(fields.at("empty").list_value().values_size(), 0);
}

TEST(ValueToProtoTest, RepeatedMapKeyKeepsTheLastValue) {
  v1::Value proto = ProtoConversion::ValueToProto(Value(ValueMap{{"k", 1}, {"k", "two"}}));
  ASSERT_EQ(proto.map_value().fields().size(), 1u);
  EXPECT_EQ(proto.map_value().fields().at("k").string_value(), "two");
}

TEST(ValueToProtoTest, OutParameterReplacesWhatWasThere) {
  v1::Value proto;
  proto.mutable_list_value()->add_values()->set_int_value(1);
  ProtoConversion::ValueToProto(Value("x"), &proto);
  EXPECT_EQ(proto.kind_case(), v1::Value::kStringValue);
  EXPECT_EQ(proto.string_value(), "x");
}

TEST(ValueToProtoTest, RoundTripsThroughValueFromProto) {
  // Map keys come back sorted, so the input is sorted already.
  Value value(ValueArray{
      Value(),
      Value(false),
      Value(int64_t{-5}),
      Value(uint64_t{18'000'000'000'000'000'000u}),
      Value(-0.25),
      Value("text"),
      Value(hubcore::Binary{"\x01\x02"}),
      Value(hubcore::Timestamp{-62'135'596'800, 999'999'999}),
      Value(ValueMap{{"a", Value(ValueArray{Value(ValueMap{})})}, {"b", "c"}}),
  });
  absl::StatusOr<Value> back =
      ProtoConversion::ValueFromProto(ProtoConversion::ValueToProto(value));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, value);
}

}  // namespace
}  // namespace hubgate::services
