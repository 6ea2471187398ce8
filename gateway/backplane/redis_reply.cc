#include "gateway/backplane/redis_reply.h"

#include <hiredis/hiredis.h>

#include "absl/strings/str_cat.h"
#include "hubcore/check.h"

namespace hubgate::gateway {

RedisReply RedisReply::Integer(int64_t value) {
  RedisReply reply(Type::kInteger);
  reply.integer_ = value;
  return reply;
}

RedisReply RedisReply::Array(std::vector<RedisReply> elements) {
  RedisReply reply(Type::kArray);
  reply.elements_ = std::move(elements);
  return reply;
}

RedisReply RedisReply::Text(Type type, std::string value) {
  RedisReply reply(type);
  reply.str_ = std::move(value);
  return reply;
}

RedisReply RedisReply::FromHiredis(const redisReply& reply) {
  switch (reply.type) {
    case REDIS_REPLY_NIL:
      return Nil();
    case REDIS_REPLY_INTEGER:
      return Integer(reply.integer);
    case REDIS_REPLY_STRING:
      return String(std::string(reply.str, reply.len));
    case REDIS_REPLY_STATUS:
      return Status(std::string(reply.str, reply.len));
    case REDIS_REPLY_ERROR:
      return Error(std::string(reply.str, reply.len));
    case REDIS_REPLY_ARRAY: {
      std::vector<RedisReply> elements;
      elements.reserve(reply.elements);
      for (size_t i = 0; i < reply.elements; ++i) {
        elements.push_back(FromHiredis(*reply.element[i]));
      }
      return Array(std::move(elements));
    }
    default:
      // hiredis 0.14 builds only the six RESP2 types above.
      HUBGATE_CHECK(false, "hiredis produced an unknown reply type");
  }
}

bool RedisReply::IsText(std::string_view text) const {
  return (type_ == Type::kString || type_ == Type::kStatus) && str_ == text;
}

std::string RedisReply::DebugString() const {
  switch (type_) {
    case Type::kNil:
      return "nil";
    case Type::kInteger:
      return absl::StrCat(integer_);
    case Type::kString:
      return str_.size() <= 32 ? str_ : absl::StrCat(str_.size(), " bytes");
    case Type::kStatus:
      return absl::StrCat("+", str_);
    case Type::kError:
      return absl::StrCat("-", str_);
    case Type::kArray: {
      std::string text = "[";
      for (size_t i = 0; i < elements_.size(); ++i) {
        absl::StrAppend(&text, i == 0 ? "" : ", ", elements_[i].DebugString());
      }
      return text + "]";
    }
  }
  return "?";
}

}  // namespace hubgate::gateway
