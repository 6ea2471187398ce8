#include "hubcore/json_value_codec.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"

namespace hubgate::hubcore {
namespace {

std::string Encode(const Value& value) {
  return boost::json::serialize(JsonValueCodec::ToJson(value));
}

Value MustParse(std::string_view text) {
  absl::StatusOr<Value> value = JsonValueCodec::Parse(text);
  EXPECT_TRUE(value.ok()) << value.status();
  return value.ok() ? *value : Value();
}

TEST(JsonValueCodecTest, WritesScalars) {
  EXPECT_EQ(Encode(Value()), "null");
  EXPECT_EQ(Encode(Value(true)), "true");
  EXPECT_EQ(Encode(Value(false)), "false");
  EXPECT_EQ(Encode(Value(-42)), "-42");
  EXPECT_EQ(Encode(Value("h\"i\n")), R"("h\"i\n")");
}

TEST(JsonValueCodecTest, Writes64BitIntegersExactly) {
  EXPECT_EQ(Encode(Value(std::numeric_limits<int64_t>::max())), "9223372036854775807");
  EXPECT_EQ(Encode(Value(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(Encode(Value(std::numeric_limits<uint64_t>::max())), "18446744073709551615");
  EXPECT_EQ(Encode(Value(int64_t{9007199254740993})), "9007199254740993");
}

TEST(JsonValueCodecTest, WritesDoublesAndNonFiniteAsNull) {
  EXPECT_EQ(MustParse(Encode(Value(1.5))), Value(1.5));
  EXPECT_EQ(MustParse(Encode(Value(-0.1))), Value(-0.1));
  EXPECT_EQ(Encode(Value(std::nan(""))), "null");
  EXPECT_EQ(Encode(Value(std::numeric_limits<double>::infinity())), "null");
  EXPECT_EQ(Encode(Value(-std::numeric_limits<double>::infinity())), "null");
}

TEST(JsonValueCodecTest, EscapesControlCharactersAndRecordSeparator) {
  const std::string encoded =
      Encode(Value(std::string("a\x01"
                               "b\x1e"
                               "c")));
  EXPECT_EQ(encoded.find('\x1e'), std::string::npos);
  EXPECT_EQ(encoded.find('\x01'), std::string::npos);
  EXPECT_EQ(MustParse(encoded), Value(std::string("a\x01"
                                                  "b\x1e"
                                                  "c")));
}

TEST(JsonValueCodecTest, WritesBinaryAsBase64) {
  EXPECT_EQ(Encode(Value(Binary{"hello"})), R"("aGVsbG8=")");
  EXPECT_EQ(Encode(Value(Binary{""})), R"("")");
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) {
    all_bytes.push_back(static_cast<char>(i));
  }
  const Value encoded = MustParse(Encode(Value(Binary{all_bytes})));
  ASSERT_TRUE(encoded.Is<std::string>());
  std::string decoded;
  ASSERT_TRUE(absl::Base64Unescape(encoded.As<std::string>(), &decoded));
  EXPECT_EQ(decoded, all_bytes);
}

TEST(JsonValueCodecTest, WritesTimestampsAsRfc3339Utc) {
  EXPECT_EQ(Encode(Value(Timestamp{0, 0})), R"("1970-01-01T00:00:00Z")");
  EXPECT_EQ(Encode(Value(Timestamp{1704164645, 0})), R"("2024-01-02T03:04:05Z")");
  EXPECT_EQ(Encode(Value(Timestamp{1704164645, 123000000})), R"("2024-01-02T03:04:05.123Z")");
  EXPECT_EQ(Encode(Value(Timestamp{1704164645, 1})), R"("2024-01-02T03:04:05.000000001Z")");
  EXPECT_EQ(Encode(Value(Timestamp{-1, 500000000})), R"("1969-12-31T23:59:59.5Z")");
  // 2024 is a leap year.
  EXPECT_EQ(Encode(Value(Timestamp{1709164800, 0})), R"("2024-02-29T00:00:00Z")");
}

TEST(JsonValueCodecTest, WritesArraysAndMapsInOrder) {
  const Value value(ValueMap{{"z", Value(1)},
                             {"a", Value(ValueArray{Value(), Value("x"), Value(true)})},
                             {"m", Value(ValueMap{})}});
  EXPECT_EQ(Encode(value), R"({"z":1,"a":[null,"x",true],"m":{}})");
}

TEST(JsonValueCodecTest, ParsesScalars) {
  EXPECT_EQ(MustParse("null"), Value());
  EXPECT_EQ(MustParse("true"), Value(true));
  EXPECT_EQ(MustParse("-7"), Value(-7));
  EXPECT_EQ(MustParse("2.25"), Value(2.25));
  EXPECT_EQ(MustParse("1e3"), Value(1000.0));
  EXPECT_EQ(MustParse(R"("x\u00e9")"), Value("x\xc3\xa9"));
}

TEST(JsonValueCodecTest, ParsesIntegersExactlyWithTheirSignedness) {
  const Value max_int = MustParse("9223372036854775807");
  ASSERT_TRUE(max_int.Is<int64_t>());
  EXPECT_EQ(max_int.As<int64_t>(), std::numeric_limits<int64_t>::max());
  const Value min_int = MustParse("-9223372036854775808");
  ASSERT_TRUE(min_int.Is<int64_t>());
  EXPECT_EQ(min_int.As<int64_t>(), std::numeric_limits<int64_t>::min());
  const Value max_uint = MustParse("18446744073709551615");
  ASSERT_TRUE(max_uint.Is<uint64_t>());
  EXPECT_EQ(max_uint.As<uint64_t>(), std::numeric_limits<uint64_t>::max());
  const Value beyond_js = MustParse("9007199254740993");
  ASSERT_TRUE(beyond_js.Is<int64_t>());
  EXPECT_EQ(beyond_js.As<int64_t>(), 9007199254740993);
  EXPECT_TRUE(MustParse("1.0").Is<double>());
}

TEST(JsonValueCodecTest, StringsAreNotGuessedAsBinaryOrTimestamps) {
  EXPECT_EQ(MustParse(R"("aGVsbG8=")"), Value("aGVsbG8="));
  EXPECT_EQ(MustParse(R"("2024-01-02T03:04:05Z")"), Value("2024-01-02T03:04:05Z"));
}

TEST(JsonValueCodecTest, ParsedObjectsKeepKeyOrder) {
  const Value value = MustParse(R"({"b":1,"a":[true,null],"c":{"y":2,"x":3}})");
  ASSERT_TRUE(value.Is<ValueMap>());
  const ValueMap& map = value.As<ValueMap>();
  ASSERT_EQ(map.size(), 3u);
  EXPECT_EQ(map[0].first, "b");
  EXPECT_EQ(map[1].first, "a");
  EXPECT_EQ(map[1].second, Value(ValueArray{Value(true), Value()}));
  EXPECT_EQ(map[2].first, "c");
  EXPECT_EQ(map[2].second, Value(ValueMap{{"y", Value(2)}, {"x", Value(3)}}));
}

TEST(JsonValueCodecTest, RoundTripsNestedValues) {
  const Value value(ValueArray{
      Value(ValueMap{{"id", Value(int64_t{-5})}, {"tags", Value(ValueArray{Value("a")})}}),
      Value(std::numeric_limits<uint64_t>::max()), Value(0.5), Value(), Value(false)});
  EXPECT_EQ(JsonValueCodec::FromJson(JsonValueCodec::ToJson(value)), value);
  EXPECT_EQ(MustParse(Encode(value)), value);
}

TEST(JsonValueCodecTest, RejectsBadJsonWithInvalidArgument) {
  for (std::string_view text : {"", "{", "[1,]", "nul", "{\"a\":1}x", "'a'", "{a:1}"}) {
    absl::StatusOr<Value> value = JsonValueCodec::Parse(text);
    ASSERT_FALSE(value.ok()) << text;
    EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_TRUE(absl::StartsWith(value.status().message(), "Invalid JSON: ")) << text;
  }
}

TEST(JsonValueCodecTest, LimitsNestingDepth) {
  EXPECT_TRUE(JsonValueCodec::Parse(std::string(60, '[') + std::string(60, ']')).ok());
  EXPECT_FALSE(JsonValueCodec::Parse(std::string(100, '[') + std::string(100, ']')).ok());
}

}  // namespace
}  // namespace hubgate::hubcore
