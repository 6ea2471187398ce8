#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

struct redisReply;  // hiredis' parsed reply (hiredis/hiredis.h), converted once by FromHiredis

namespace hubgate::gateway {

// One RESP2 reply as a plain value: nil, integer, bulk string, status, error, or an array of
// replies. Owns its bytes, so it outlives the hiredis reader that produced it.
class RedisReply {
 public:
  enum class Type { kNil, kInteger, kString, kStatus, kError, kArray };

  static RedisReply Nil() { return RedisReply(Type::kNil); }
  static RedisReply Integer(int64_t value);
  static RedisReply String(std::string value) { return Text(Type::kString, std::move(value)); }
  static RedisReply Status(std::string value) { return Text(Type::kStatus, std::move(value)); }
  static RedisReply Error(std::string value) { return Text(Type::kError, std::move(value)); }
  static RedisReply Array(std::vector<RedisReply> elements);
  static RedisReply FromHiredis(const redisReply& reply);

  Type type() const { return type_; }
  bool is_error() const { return type_ == Type::kError; }
  bool is_array() const { return type_ == Type::kArray; }
  int64_t integer() const { return integer_; }
  // The bytes of a string, status or error reply; empty for the other types.
  const std::string& str() const { return str_; }
  const std::vector<RedisReply>& elements() const { return elements_; }

  // True for a string or status reply whose bytes equal text (case-sensitive).
  bool IsText(std::string_view text) const;
  // A short readable form for logs and test failures, e.g. [smessage, ch, 5 bytes].
  std::string DebugString() const;

  friend bool operator==(const RedisReply&, const RedisReply&) = default;

 private:
  explicit RedisReply(Type type) : type_(type) {}
  static RedisReply Text(Type type, std::string value);

  Type type_ = Type::kNil;
  int64_t integer_ = 0;
  std::string str_;
  std::vector<RedisReply> elements_;
};

inline std::ostream& operator<<(std::ostream& out, const RedisReply& reply) {
  return out << reply.DebugString();
}

}  // namespace hubgate::gateway
