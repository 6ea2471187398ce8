#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace hubgate::hubcore {

// Raw bytes. Encoded as MessagePack bin, and as a base64 string in JSON.
struct Binary {
  std::string bytes;
  bool operator==(const Binary&) const = default;
};

// A point in time, UTC. Encoded as MessagePack timestamp (ext -1), and as an ISO-8601 string in JSON.
struct Timestamp {
  int64_t seconds = 0;
  uint32_t nanos = 0;  // 0..999'999'999
  bool operator==(const Timestamp&) const = default;
};

class Value;
using ValueArray = std::vector<Value>;
// Key order is kept as given (JSON objects keep the order they were written in).
using ValueMap = std::vector<std::pair<std::string, Value>>;

// The protocol-neutral argument value: what the Push API, the JSON codec and the MessagePack codec
// all translate to and from.
class Value {
 public:
  using Storage = std::variant<std::monostate, bool, int64_t, uint64_t, double, std::string, Binary,
                               Timestamp, ValueArray, ValueMap>;

  Value() = default;
  Value(std::nullptr_t) {}
  Value(bool v) : storage_(v) {}
  Value(int v) : storage_(int64_t{v}) {}
  Value(int64_t v) : storage_(v) {}
  Value(uint64_t v) : storage_(v) {}
  Value(double v) : storage_(v) {}
  Value(const char* v) : storage_(std::string(v)) {}
  Value(std::string v) : storage_(std::move(v)) {}
  Value(Binary v) : storage_(std::move(v)) {}
  Value(Timestamp v) : storage_(v) {}
  Value(ValueArray v) : storage_(std::move(v)) {}
  Value(ValueMap v) : storage_(std::move(v)) {}

  bool IsNull() const { return std::holds_alternative<std::monostate>(storage_); }
  template <typename T>
  bool Is() const {
    return std::holds_alternative<T>(storage_);
  }
  template <typename T>
  const T& As() const {
    return std::get<T>(storage_);
  }
  template <typename T>
  const T* TryAs() const {
    return std::get_if<T>(&storage_);
  }

  const Storage& storage() const { return storage_; }

  bool operator==(const Value& other) const;

 private:
  Storage storage_;
};

}  // namespace hubgate::hubcore
