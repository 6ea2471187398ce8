#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "gateway/backplane/redis_reply.h"

struct redisReader;  // hiredis' RESP parser (hiredis/read.h)

namespace hubgate::gateway {

// Turns the bytes a Redis server sends into RedisReply values with hiredis' reader
// (redisReaderFeed/redisReaderGetReply), with two bounds a hostile or broken server cannot push
// past: the bytes held for one unfinished reply, and the element count of one array. After an
// error the reader is unusable; the connection that owns it closes.
class RedisReplyReader {
 public:
  static constexpr size_t kMaxArrayElements = 1 << 20;

  explicit RedisReplyReader(size_t max_buffered_bytes);
  ~RedisReplyReader();
  RedisReplyReader(const RedisReplyReader&) = delete;
  RedisReplyReader& operator=(const RedisReplyReader&) = delete;

  // Appends bytes. ResourceExhausted when the unparsed bytes would exceed the bound.
  absl::Status Feed(std::string_view bytes);
  // The next complete reply, nullopt when more bytes are needed, or DataLoss when the bytes are
  // not RESP (or an array is too long).
  absl::StatusOr<std::optional<RedisReply>> Next();

 private:
  redisReader* reader_;
  size_t max_buffered_bytes_;
};

}  // namespace hubgate::gateway
