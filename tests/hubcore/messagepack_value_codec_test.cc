#include "hubcore/messagepack_value_codec.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "hubcore/hub_errors.h"
#include "msgpack_vectors/js_vectors.h"

namespace hubgate::hubcore {
namespace {

using testing::FromHex;
using testing::ToHex;

std::string Encode(const Value& value) {
  std::string out;
  MessagePackValueCodec::Write(value, &out);
  return ToHex(out);
}

Value Decode(std::string_view hex) {
  absl::StatusOr<Value> value = MessagePackValueCodec::Parse(FromHex(hex));
  EXPECT_TRUE(value.ok()) << hex << ": " << value.status();
  return value.ok() ? *value : Value();
}

absl::Status DecodeError(std::string_view hex) {
  absl::StatusOr<Value> value = MessagePackValueCodec::Parse(FromHex(hex));
  EXPECT_FALSE(value.ok()) << hex;
  if (value.ok()) {
    return absl::OkStatus();
  }
  EXPECT_TRUE(IsHubProtocolError(value.status())) << value.status();
  return value.status();
}

void ExpectDecodeError(std::string_view hex) { DecodeError(hex).IgnoreError(); }

// Each value must be written as these bytes and read back as the same value.
void ExpectRoundTrip(const Value& value, std::string_view hex) {
  EXPECT_EQ(Encode(value), hex);
  EXPECT_EQ(Decode(hex), value) << hex;
}

TEST(MessagePackValueCodecTest, Scalars) {
  ExpectRoundTrip(Value(), "c0");
  ExpectRoundTrip(Value(true), "c3");
  ExpectRoundTrip(Value(false), "c2");
  ExpectRoundTrip(Value("s"), "a173");
  ExpectRoundTrip(Value(""), "a0");
  ExpectRoundTrip(Value(Binary{std::string("\x01\x02\xff")}), "c4030102ff");
  ExpectRoundTrip(Value(Binary{}), "c400");
}

TEST(MessagePackValueCodecTest, IntegersUseTheirSmallestForm) {
  // The same bytes @msgpack/msgpack writes for these JS numbers.
  ExpectRoundTrip(Value(0), "00");
  ExpectRoundTrip(Value(42), "2a");
  ExpectRoundTrip(Value(127), "7f");
  ExpectRoundTrip(Value(128), "cc80");
  ExpectRoundTrip(Value(255), "ccff");
  ExpectRoundTrip(Value(256), "cd0100");
  ExpectRoundTrip(Value(65535), "cdffff");
  ExpectRoundTrip(Value(65536), "ce00010000");
  ExpectRoundTrip(Value(int64_t{1} << 32), "cf0000000100000000");
  ExpectRoundTrip(Value(int64_t{1} << 40), "cf0000010000000000");
  ExpectRoundTrip(Value(-1), "ff");
  ExpectRoundTrip(Value(-32), "e0");
  ExpectRoundTrip(Value(-33), "d0df");
  ExpectRoundTrip(Value(-128), "d080");
  ExpectRoundTrip(Value(-129), "d1ff7f");
  ExpectRoundTrip(Value(-32769), "d2ffff7fff");
  ExpectRoundTrip(Value(-(int64_t{1} << 40)), "d3ffffff0000000000");
}

TEST(MessagePackValueCodecTest, SixtyFourBitIntegersArePreservedExactly) {
  // Above 2^53 (where JS numbers lose precision) and at both ends of the ranges.
  ExpectRoundTrip(Value((int64_t{1} << 53) + 1), "cf0020000000000001");
  ExpectRoundTrip(Value(std::numeric_limits<int64_t>::max()), "cf7fffffffffffffff");
  ExpectRoundTrip(Value(std::numeric_limits<int64_t>::min()), "d38000000000000000");
  ExpectRoundTrip(Value(std::numeric_limits<uint64_t>::max()), "cfffffffffffffffff");
  ExpectRoundTrip(Value(uint64_t{1} << 63), "cf8000000000000000");
  // A uint64 that fits int64 is written in its smallest form and read back as int64.
  EXPECT_EQ(Encode(Value(uint64_t{5})), "05");
  EXPECT_TRUE(Decode("05").Is<int64_t>());
  // Non-canonical wide encodings are read by value.
  EXPECT_EQ(Decode("cf0000000000000005"), Value(5));
  EXPECT_EQ(Decode("d3fffffffffffffffe"), Value(-2));
  EXPECT_EQ(Decode("d00a"), Value(10));
}

TEST(MessagePackValueCodecTest, DoublesAreAlwaysFloat64) {
  ExpectRoundTrip(Value(1.5), "cb3ff8000000000000");  // @msgpack/msgpack writes the same
  ExpectRoundTrip(Value(0.1), "cb3fb999999999999a");
  ExpectRoundTrip(Value(2.0), "cb4000000000000000");  // stays a double, not an integer
  ExpectRoundTrip(Value(-0.0), "cb8000000000000000");
  EXPECT_EQ(Encode(Value(std::numeric_limits<double>::infinity())), "cb7ff0000000000000");
  // float32 on the wire (other writers) reads as a double.
  EXPECT_EQ(Decode("ca3fc00000"), Value(1.5));
}

TEST(MessagePackValueCodecTest, StringAndBinaryLengthHeaders) {
  EXPECT_EQ(Encode(Value(std::string(31, 'a'))).substr(0, 2), "bf");
  EXPECT_EQ(Encode(Value(std::string(32, 'a'))).substr(0, 4), "d920");
  EXPECT_EQ(Encode(Value(std::string(256, 'a'))).substr(0, 6), "da0100");
  EXPECT_EQ(Encode(Value(std::string(65536, 'a'))).substr(0, 10), "db00010000");
  EXPECT_EQ(Encode(Value(Binary{std::string(256, 'b')})).substr(0, 6), "c50100");
  EXPECT_EQ(Encode(Value(Binary{std::string(65536, 'b')})).substr(0, 10), "c600010000");
  for (size_t size : {0, 31, 32, 255, 256, 65535, 65536}) {
    const Value s(std::string(size, 'x'));
    const Value b(Binary{std::string(size, 'y')});
    EXPECT_EQ(Decode(Encode(s)), s) << size;
    EXPECT_EQ(Decode(Encode(b)), b) << size;
  }
  // Strings are bytes: UTF-8 passes through untouched.
  ExpectRoundTrip(Value("\xc3\xa9"), "a2c3a9");
}

TEST(MessagePackValueCodecTest, Timestamps) {
  // The forms @msgpack/msgpack writes for Date (timestamp 32 / 64 / 96).
  ExpectRoundTrip(Value(Timestamp{1704164645, 0}), "d6ff65937d25");
  ExpectRoundTrip(Value(Timestamp{1704164645, 123000000}), "d7ff1d53530065937d25");
  ExpectRoundTrip(Value(Timestamp{-1, 0}), "c70cff00000000ffffffffffffffff");
  ExpectRoundTrip(Value(Timestamp{0, 0}), "d6ff00000000");
  ExpectRoundTrip(Value(Timestamp{(int64_t{1} << 32) - 1, 0}), "d6ffffffffff");
  ExpectRoundTrip(Value(Timestamp{int64_t{1} << 32, 0}), "d7ff0000000100000000");
  ExpectRoundTrip(Value(Timestamp{0, 999999999}), "d7ffee6b27fc00000000");
  ExpectRoundTrip(Value(Timestamp{(int64_t{1} << 34) - 1, 1}), "d7ff00000007ffffffff");
  ExpectRoundTrip(Value(Timestamp{int64_t{1} << 34, 0}), "c70cff000000000000000400000000");
  ExpectRoundTrip(Value(Timestamp{-62135596800, 5}), "c70cff00000005fffffff1886e0900");
}

TEST(MessagePackValueCodecTest, BadTimestampsAreRejected) {
  EXPECT_EQ(DecodeError("d5ff0000").message(),
            "Invalid MessagePack timestamp: 2 bytes (expected 4, 8 or 12).");
  // timestamp 64 with nanoseconds 1e9.
  EXPECT_EQ(DecodeError("d7ffee6b280000000000").message(),
            "Invalid MessagePack timestamp: nanoseconds out of range.");
  // timestamp 96 with nanoseconds 1e9.
  ExpectDecodeError("c70cff3b9aca000000000000000000");
}

TEST(MessagePackValueCodecTest, OtherExtensionTypesAreRejected) {
  EXPECT_EQ(DecodeError("d40501").message(), "Unsupported MessagePack extension type 5.");
  EXPECT_EQ(DecodeError("c701fe00").message(), "Unsupported MessagePack extension type -2.");
}

TEST(MessagePackValueCodecTest, ArraysAndMapsKeepOrderAndDuplicates) {
  ExpectRoundTrip(Value(ValueArray{}), "90");
  ExpectRoundTrip(Value(ValueMap{}), "80");
  ExpectRoundTrip(Value(ValueMap{{"b", Value(1)}, {"a", Value(ValueArray{Value(1), Value("x")})}}),
                  "82a16201a1619201a178");
  ExpectRoundTrip(Value(ValueMap{{"k", Value(1)}, {"k", Value(2)}}), "82a16b01a16b02");
  ValueArray sixteen(16, Value(0));
  ExpectRoundTrip(Value(sixteen), "dc0010" + std::string(32, '0'));
  ValueMap big_map;
  big_map.reserve(16);
  for (int i = 0; i < 16; ++i) {
    big_map.emplace_back(std::string(1, static_cast<char>('a' + i)), i);
  }
  EXPECT_EQ(Encode(Value(big_map)).substr(0, 6), "de0010");
  EXPECT_EQ(Decode(Encode(Value(big_map))), Value(big_map));
  EXPECT_EQ(Decode("dd00000001c0"), Value(ValueArray{Value()}));
  EXPECT_EQ(Decode("df00000001a16101"), Value(ValueMap{{"a", Value(1)}}));
}

TEST(MessagePackValueCodecTest, NonStringMapKeysAreRejected) {
  // An integer key, as @msgpack/msgpack writes for a JS Map with number keys.
  EXPECT_EQ(DecodeError("81 01 a161").message(), "MessagePack map keys must be strings.");
  EXPECT_EQ(DecodeError("81 c0 01").message(), "MessagePack map keys must be strings.");
  EXPECT_EQ(DecodeError("91 81 90 01").message(), "MessagePack map keys must be strings.");
}

// `depth` arrays, each holding the next; the innermost holds 1.
std::string Nested(size_t depth) {
  std::string hex;
  for (size_t i = 0; i < depth; ++i) {
    hex += "91";
  }
  return hex + "01";
}

TEST(MessagePackValueCodecTest, NestingDepthIsLimited) {
  EXPECT_TRUE(MessagePackValueCodec::Parse(FromHex(Nested(kMaxMessagePackDepth))).ok());
  EXPECT_EQ(DecodeError(Nested(kMaxMessagePackDepth + 1)).message(),
            "The MessagePack data is nested more than 64 levels deep.");
  // Deep enough to overflow the stack if the reader recursed without a limit.
  ExpectDecodeError(Nested(100000));
  std::string maps;
  for (int i = 0; i < 100000; ++i) {
    maps += "81a161";
  }
  ExpectDecodeError(maps + "01");
}

TEST(MessagePackValueCodecTest, MalformedInputIsAnErrorNotACrash) {
  EXPECT_EQ(DecodeError("").message(), "Invalid MessagePack data: the payload is empty.");
  ExpectDecodeError("c1");                  // never used
  ExpectDecodeError("92 01");               // array shorter than declared
  ExpectDecodeError("ddffffffff 01");       // 4 billion elements declared, one present
  ExpectDecodeError("dfffffffff a161 01");  // same for a map
  ExpectDecodeError("dbffffffff 61");       // 4 GiB string declared
  ExpectDecodeError("c6ffffffff 00");       // 4 GiB binary declared
  ExpectDecodeError("c9ffffffff ff 00");    // 4 GiB ext declared
  ExpectDecodeError("cd01");                // truncated uint16
  ExpectDecodeError("cb3ff8");              // truncated float64
  const absl::Status trailing = DecodeError("01 02");
  EXPECT_NE(trailing.message().find("Invalid MessagePack data at byte"), absl::string_view::npos)
      << trailing;
}

TEST(MessagePackValueCodecTest, ParseArrayUnwrapsNestedArrays) {
  absl::StatusOr<std::vector<MessagePackElement>> elements =
      MessagePackValueCodec::ParseArray(FromHex("94 01 92 02 91 03 81 a161 90 c0"));
  ASSERT_TRUE(elements.ok()) << elements.status();
  ASSERT_EQ(elements->size(), 4u);
  EXPECT_EQ(std::get<Value>((*elements)[0]), Value(1));
  EXPECT_EQ(std::get<ValueArray>((*elements)[1]),
            (ValueArray{Value(2), Value(ValueArray{Value(3)})}));
  EXPECT_EQ(std::get<Value>((*elements)[2]), Value(ValueMap{{"a", Value(ValueArray{})}}));
  EXPECT_EQ(std::get<Value>((*elements)[3]), Value());
}

TEST(MessagePackValueCodecTest, ParseArrayRequiresAnArray) {
  EXPECT_EQ(MessagePackValueCodec::ParseArray(FromHex("01")).status().message(),
            "A hub message must be a MessagePack array.");
  EXPECT_EQ(MessagePackValueCodec::ParseArray(FromHex("80")).status().message(),
            "A hub message must be a MessagePack array.");
  EXPECT_TRUE(MessagePackValueCodec::ParseArray(FromHex("90")).ok());
}

}  // namespace
}  // namespace hubgate::hubcore
