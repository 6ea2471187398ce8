// Library choice. Both installed MessagePack libraries are used, each for what it does safely:
//  - Writing uses msgpuck's encoders (mp_encode_*): they give exact control of the wire form.
//    nlohmann's to_msgpack cannot: it writes a double as float32 whenever that is exact (the JS
//    client writes float64), and it can only serialize a whole nlohmann::json document (an extra
//    DOM per frame, with map keys sorted unless ordered_json is used).
//  - Reading uses nlohmann's MessagePack SAX reader (json::sax_parse with input_format_t::msgpack).
//    It reads through an input adapter that stops at the end of the buffer (a declared length
//    longer than the data is an "unexpected end of input", with no allocation up front), reports
//    invalid bytes, non-string map keys and trailing bytes as parse errors, and through the SAX
//    handler below we build Values directly and stop at the depth limit before it recurses further.
//    msgpuck's mp_check is not used: it keeps the pending element count in an int, so a crafted
//    array32 header (count 0xFFFFFFFF) wraps it and makes a truncated document look valid.
#include "hubcore/messagepack_value_codec.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "hubcore/hub_errors.h"
#include "hubcore/string_view_compat.h"
#include "nlohmann/json.hpp"

// msgpuck is a header library whose functions are inline; this is the one translation unit
// that defines them (MP_SOURCE), as its documentation asks.
#define MP_SOURCE 1
#include <msgpuck.h>

namespace hubgate::hubcore {

namespace {

// The MessagePack timestamp extension (msgpack spec, "Timestamp extension type").
constexpr int8_t kTimestampExtType = -1;
constexpr uint8_t kFixExt4 = 0xd6;
constexpr uint8_t kFixExt8 = 0xd7;
constexpr uint8_t kExt8 = 0xc7;
constexpr uint32_t kMaxNanos = 999'999'999;
constexpr int64_t kTimestamp32MaxSeconds = (int64_t{1} << 32) - 1;
constexpr int64_t kTimestamp64MaxSeconds = (int64_t{1} << 34) - 1;

// Containers and strings come from frames far below 4 GiB (the length prefix allows 2 GiB).
uint32_t Length32(size_t size) {
  if (size > std::numeric_limits<uint32_t>::max()) {
    std::abort();  // Broken invariant: no frame can hold this.
  }
  return static_cast<uint32_t>(size);
}

// Appends what `encode` writes into at most `max_size` bytes.
template <typename Encode>
void Put(std::string* out, size_t max_size, Encode encode) {
  const size_t old_size = out->size();
  out->resize(old_size + max_size);
  char* end = encode(out->data() + old_size);
  out->resize(static_cast<size_t>(end - out->data()));
}

uint32_t LoadU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

uint64_t LoadU64(const uint8_t* p) { return (uint64_t{LoadU32(p)} << 32) | LoadU32(p + 4); }

absl::StatusOr<Timestamp> DecodeTimestamp(const std::vector<uint8_t>& data) {
  Timestamp timestamp;
  switch (data.size()) {
    case 4:  // timestamp 32: { seconds: uint32 }
      timestamp.seconds = LoadU32(data.data());
      return timestamp;
    case 8: {  // timestamp 64: { nanoseconds: uint30, seconds: uint34 }
      const uint64_t packed = LoadU64(data.data());
      timestamp.nanos = static_cast<uint32_t>(packed >> 34);
      timestamp.seconds = static_cast<int64_t>(packed & kTimestamp64MaxSeconds);
      break;
    }
    case 12:  // timestamp 96: { nanoseconds: uint32, seconds: int64 }
      timestamp.nanos = LoadU32(data.data());
      timestamp.seconds = static_cast<int64_t>(LoadU64(data.data() + 4));
      break;
    default:
      return HubProtocolError(absl::StrCat("Invalid MessagePack timestamp: ", data.size(),
                                           " bytes (expected 4, 8 or 12)."));
  }
  if (timestamp.nanos > kMaxNanos) {
    return HubProtocolError("Invalid MessagePack timestamp: nanoseconds out of range.");
  }
  return timestamp;
}

// Builds Values from nlohmann's SAX events. In envelope mode the root must be an array and its
// elements are collected as MessagePackElements, with arrays left unwrapped.
class ValueBuilder {
 public:
  using Json = nlohmann::json;

  ValueBuilder(size_t input_size, bool envelope) : input_size_(input_size), envelope_(envelope) {}

  bool null() { return Add(Value()); }
  bool boolean(bool value) { return Add(Value(value)); }
  bool number_integer(Json::number_integer_t value) { return Add(Value(int64_t{value})); }
  bool number_unsigned(Json::number_unsigned_t value) {
    if (value <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return Add(Value(static_cast<int64_t>(value)));
    }
    return Add(Value(uint64_t{value}));
  }
  bool number_float(Json::number_float_t value, const Json::string_t& /*text*/) {
    return Add(Value(double{value}));
  }
  bool string(Json::string_t& value) { return Add(Value(std::move(value))); }
  bool binary(Json::binary_t& value) {
    if (!value.has_subtype()) {
      return Add(Value(Binary{std::string(value.begin(), value.end())}));
    }
    // nlohmann stores the signed ext type as its unsigned byte.
    const auto ext_type = static_cast<int8_t>(static_cast<uint8_t>(value.subtype()));
    if (ext_type != kTimestampExtType) {
      return Fail(HubProtocolError(
          absl::StrCat("Unsupported MessagePack extension type ", int{ext_type}, ".")));
    }
    absl::StatusOr<Timestamp> timestamp = DecodeTimestamp(value);
    if (!timestamp.ok()) {
      return Fail(timestamp.status());
    }
    return Add(Value(*timestamp));
  }
  bool start_object(size_t size) { return Open(/*is_map=*/true, size); }
  bool key(Json::string_t& key) {
    stack_.back().key = std::move(key);
    return true;
  }
  bool end_object() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    return Add(Value(std::move(frame.map)));
  }
  bool start_array(size_t size) { return Open(/*is_map=*/false, size); }
  bool end_array() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (envelope_ && stack_.empty()) {
      return true;  // The envelope itself: its elements are already in elements_.
    }
    if (envelope_ && stack_.size() == 1) {
      elements_.emplace_back(std::move(frame.array));
      return true;
    }
    return Add(Value(std::move(frame.array)));
  }
  bool parse_error(size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) {
    // 113: get_msgpack_string() saw no string header; in MessagePack that only happens for keys.
    if (error.id == 113) {
      return Fail(HubProtocolError("MessagePack map keys must be strings."));
    }
    // what() reads "[json.exception.parse_error.110] parse error at byte 3: syntax error while
    // parsing MessagePack value: unexpected end of input"; keep the part after the position.
    std::string_view detail = error.what();
    const size_t colon = detail.find(": ");
    if (colon != std::string_view::npos) {
      detail.remove_prefix(colon + 2);
    }
    return Fail(HubProtocolError(
        absl::StrCat("Invalid MessagePack data at byte ", position, ": ", AsAbsl(detail))));
  }

  const absl::Status& error() const { return error_; }
  std::optional<Value>& root() { return root_; }
  std::vector<MessagePackElement>& elements() { return elements_; }

 private:
  struct Frame {
    bool is_map = false;
    ValueArray array;
    ValueMap map;
    std::string key;
  };

  bool Fail(absl::Status status) {
    if (error_.ok()) {
      error_ = std::move(status);
    }
    return false;
  }

  bool Open(bool is_map, size_t size) {
    if (stack_.empty() && envelope_ && is_map) {
      return Fail(HubProtocolError("A hub message must be a MessagePack array."));
    }
    if (stack_.size() >= kMaxMessagePackDepth) {
      return Fail(HubProtocolError(absl::StrCat("The MessagePack data is nested more than ",
                                                kMaxMessagePackDepth, " levels deep.")));
    }
    // Every element takes at least one byte, so never reserve more than the input could hold.
    const size_t reserve = std::min(size, input_size_);
    Frame& frame = stack_.emplace_back();
    frame.is_map = is_map;
    if (is_map) {
      frame.map.reserve(reserve);
    } else if (!(envelope_ && stack_.size() == 1)) {
      frame.array.reserve(reserve);
    } else {
      elements_.reserve(reserve);
    }
    return true;
  }

  bool Add(Value value) {
    if (stack_.empty()) {
      if (envelope_) {
        return Fail(HubProtocolError("A hub message must be a MessagePack array."));
      }
      root_ = std::move(value);
      return true;
    }
    if (envelope_ && stack_.size() == 1) {
      elements_.emplace_back(std::move(value));
      return true;
    }
    Frame& frame = stack_.back();
    if (frame.is_map) {
      frame.map.emplace_back(std::move(frame.key), std::move(value));
      frame.key.clear();
    } else {
      frame.array.push_back(std::move(value));
    }
    return true;
  }

  size_t input_size_;
  bool envelope_;
  std::vector<Frame> stack_;
  std::optional<Value> root_;
  std::vector<MessagePackElement> elements_;
  absl::Status error_;
};

absl::Status RunParser(std::string_view data, ValueBuilder* builder) {
  if (data.empty()) {
    return HubProtocolError("Invalid MessagePack data: the payload is empty.");
  }
  const auto* begin = reinterpret_cast<const uint8_t*>(data.data());
  const bool ok = nlohmann::json::sax_parse(begin, begin + data.size(), builder,
                                            nlohmann::json::input_format_t::msgpack,
                                            /*strict=*/true);
  if (!ok) {
    return builder->error().ok() ? HubProtocolError("Invalid MessagePack data.") : builder->error();
  }
  return absl::OkStatus();
}

struct WriteVisitor {
  MessagePackWriter* writer;

  void operator()(std::monostate) const { writer->Nil(); }
  void operator()(bool v) const { writer->Bool(v); }
  void operator()(int64_t v) const { writer->Int(v); }
  void operator()(uint64_t v) const { writer->Uint(v); }
  void operator()(double v) const { writer->Double(v); }
  void operator()(const std::string& v) const { writer->String(v); }
  void operator()(const Binary& v) const { writer->Bin(v.bytes); }
  void operator()(const Timestamp& v) const { writer->Time(v); }
  void operator()(const ValueArray& v) const {
    writer->ArrayHeader(v.size());
    for (const Value& element : v) {
      writer->Write(element);
    }
  }
  void operator()(const ValueMap& v) const {
    writer->MapHeader(v.size());
    for (const auto& [key, element] : v) {
      writer->String(key);
      writer->Write(element);
    }
  }
};

}  // namespace

// ---- MessagePackWriter ----

void MessagePackWriter::Nil() {
  Put(out_, mp_sizeof_nil(), [](char* p) { return mp_encode_nil(p); });
}

void MessagePackWriter::Bool(bool value) {
  Put(out_, mp_sizeof_bool(value), [value](char* p) { return mp_encode_bool(p, value); });
}

void MessagePackWriter::Int(int64_t value) {
  if (value >= 0) {
    Uint(static_cast<uint64_t>(value));
    return;
  }
  Put(out_, mp_sizeof_int(value), [value](char* p) { return mp_encode_int(p, value); });
}

void MessagePackWriter::Uint(uint64_t value) {
  Put(out_, mp_sizeof_uint(value), [value](char* p) { return mp_encode_uint(p, value); });
}

void MessagePackWriter::Double(double value) {
  Put(out_, mp_sizeof_double(value), [value](char* p) { return mp_encode_double(p, value); });
}

void MessagePackWriter::String(std::string_view value) {
  const uint32_t length = Length32(value.size());
  Put(out_, mp_sizeof_strl(length), [length](char* p) { return mp_encode_strl(p, length); });
  out_->append(value);
}

void MessagePackWriter::Bin(std::string_view bytes) {
  const uint32_t length = Length32(bytes.size());
  Put(out_, mp_sizeof_binl(length), [length](char* p) { return mp_encode_binl(p, length); });
  out_->append(bytes);
}

// msgpuck 1.0.3 has no ext encoders; the three timestamp layouts are fixed (msgpack spec).
void MessagePackWriter::Time(const Timestamp& value) {
  const bool valid_nanos = value.nanos <= kMaxNanos;
  if (value.seconds >= 0 && value.seconds <= kTimestamp64MaxSeconds && valid_nanos) {
    if (value.nanos == 0 && value.seconds <= kTimestamp32MaxSeconds) {
      Put(out_, 6, [&value](char* p) {
        p = mp_store_u8(p, kFixExt4);
        p = mp_store_u8(p, static_cast<uint8_t>(kTimestampExtType));
        return mp_store_u32(p, static_cast<uint32_t>(value.seconds));
      });
      return;
    }
    Put(out_, 10, [&value](char* p) {
      p = mp_store_u8(p, kFixExt8);
      p = mp_store_u8(p, static_cast<uint8_t>(kTimestampExtType));
      return mp_store_u64(p, (uint64_t{value.nanos} << 34) | static_cast<uint64_t>(value.seconds));
    });
    return;
  }
  Put(out_, 15, [&value](char* p) {
    p = mp_store_u8(p, kExt8);
    p = mp_store_u8(p, 12);
    p = mp_store_u8(p, static_cast<uint8_t>(kTimestampExtType));
    p = mp_store_u32(p, value.nanos);
    return mp_store_u64(p, static_cast<uint64_t>(value.seconds));
  });
}

void MessagePackWriter::ArrayHeader(size_t size) {
  const uint32_t length = Length32(size);
  Put(out_, mp_sizeof_array(length), [length](char* p) { return mp_encode_array(p, length); });
}

void MessagePackWriter::MapHeader(size_t size) {
  const uint32_t length = Length32(size);
  Put(out_, mp_sizeof_map(length), [length](char* p) { return mp_encode_map(p, length); });
}

void MessagePackWriter::Write(const Value& value) {
  std::visit(WriteVisitor{this}, value.storage());
}

// ---- MessagePackValueCodec ----

void MessagePackValueCodec::Write(const Value& value, std::string* out) {
  MessagePackWriter(out).Write(value);
}

absl::StatusOr<Value> MessagePackValueCodec::Parse(std::string_view data) {
  ValueBuilder builder(data.size(), /*envelope=*/false);
  absl::Status status = RunParser(data, &builder);
  if (!status.ok()) {
    return status;
  }
  return std::move(*builder.root());
}

absl::StatusOr<std::vector<MessagePackElement>> MessagePackValueCodec::ParseArray(
    std::string_view data) {
  ValueBuilder builder(data.size(), /*envelope=*/true);
  absl::Status status = RunParser(data, &builder);
  if (!status.ok()) {
    return status;
  }
  return std::move(builder.elements());
}

}  // namespace hubgate::hubcore
