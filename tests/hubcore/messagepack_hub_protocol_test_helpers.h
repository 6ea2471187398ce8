#pragma once
// Helpers of the MessagePack hub protocol tests: the JS client's golden vectors
// (msgpack_vectors/, made by gen_vectors.js) by name, parsed or as payloads, and what the
// gateway writes, in hex.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "gtest/gtest.h"
#include "hubcore/binary_message_reader.h"
#include "hubcore/hub_errors.h"
#include "hubcore/messagepack_hub_protocol.h"
#include "msgpack_vectors/js_vectors.h"

namespace hubgate::hubcore::testing {

inline std::string JsVectorHex(std::string_view name) {
  for (const JsVector& v : kJsVectors) {
    if (v.name == name) {
      return v.hex;
    }
  }
  ADD_FAILURE() << "no vector " << name;
  return "";
}

// The payload of a framed vector (checks that the prefix covers exactly the rest).
inline std::string Payload(std::string_view name) {
  const std::string frame = FromHex(JsVectorHex(name));
  std::vector<std::string> payloads;
  BinaryMessageReader reader(1 << 20);
  EXPECT_TRUE(reader
                  .Feed(frame,
                        [&](std::string_view payload) {
                          payloads.emplace_back(payload);
                          return absl::OkStatus();
                        })
                  .ok());
  EXPECT_EQ(payloads.size(), 1u) << name;
  EXPECT_EQ(reader.buffered_bytes(), 0u) << name;
  return payloads.empty() ? "" : payloads[0];
}

inline std::string WriteHex(const HubMessage& message) {
  std::string out;
  MessagePackHubProtocol::Write(message, &out);
  return ToHex(out);
}

template <typename T>
T ParseAs(std::string_view name) {
  absl::StatusOr<HubMessage> message = MessagePackHubProtocol::Parse(Payload(name));
  EXPECT_TRUE(message.ok()) << name << ": " << message.status();
  if (!message.ok() || !std::holds_alternative<T>(*message)) {
    ADD_FAILURE() << "unexpected message type for " << name;
    return T{};
  }
  return std::get<T>(*std::move(message));
}

inline absl::Status ParseError(std::string_view payload_hex) {
  absl::StatusOr<HubMessage> message = MessagePackHubProtocol::Parse(FromHex(payload_hex));
  EXPECT_FALSE(message.ok()) << payload_hex;
  if (message.ok()) {
    return absl::OkStatus();
  }
  EXPECT_TRUE(IsHubProtocolError(message.status())) << message.status();
  return message.status();
}

// The arguments of invocation_all_types as Values.
inline std::vector<Value> AllTypesArguments() {
  return {Value(),
          Value(true),
          Value(false),
          Value(42),
          Value(-1),
          Value(int64_t{1} << 40),
          Value(-(int64_t{1} << 40)),
          Value(1.5),
          Value("s"),
          Value(Binary{std::string("\x01\x02\xff")}),
          Value(Timestamp{1704164645, 0}),
          Value(Timestamp{1704164645, 123000000}),
          Value(Timestamp{-1, 0}),
          Value(ValueMap{
              {"a", Value(1)},
              {"b", Value(ValueArray{Value(1), Value("x"), Value(ValueMap{{"c", Value()}})})}}),
          Value(ValueArray{Value(ValueArray{})}),
          Value(255),
          Value(256),
          Value(65536),
          Value(-33),
          Value(-129),
          Value(-32769),
          Value(int64_t{1} << 32)};
}

}  // namespace hubgate::hubcore::testing
