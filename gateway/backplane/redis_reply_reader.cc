#include "gateway/backplane/redis_reply_reader.h"

#include <hiredis/hiredis.h>
#include <hiredis/read.h>

#include "absl/strings/str_cat.h"
#include "hubcore/check.h"

namespace hubgate::gateway {
namespace {

// hiredis' default reply builders, with arrays capped: the default builder callocs whatever
// element count the server announces before a single element arrives.
redisReplyObjectFunctions CopyDefaultFunctions() {
  redisReader* probe = redisReaderCreate();
  HUBGATE_CHECK(probe != nullptr, "redisReaderCreate failed");
  redisReplyObjectFunctions functions = *probe->fn;
  redisReaderFree(probe);
  return functions;
}

const redisReplyObjectFunctions& DefaultFunctions() {
  static const redisReplyObjectFunctions functions = CopyDefaultFunctions();
  return functions;
}

void* CreateBoundedArray(const redisReadTask* task, int elements) {
  if (elements < 0 || static_cast<size_t>(elements) > RedisReplyReader::kMaxArrayElements) {
    return nullptr;  // hiredis reports this as an out-of-memory protocol error
  }
  return DefaultFunctions().createArray(task, elements);
}

redisReplyObjectFunctions* BoundedFunctions() {
  static redisReplyObjectFunctions functions = [] {
    redisReplyObjectFunctions bounded = DefaultFunctions();
    bounded.createArray = CreateBoundedArray;
    return bounded;
  }();
  return &functions;
}

}  // namespace

RedisReplyReader::RedisReplyReader(size_t max_buffered_bytes)
    : reader_(redisReaderCreateWithFunctions(BoundedFunctions())),
      max_buffered_bytes_(max_buffered_bytes) {
  HUBGATE_CHECK(reader_ != nullptr, "redisReaderCreateWithFunctions failed");
}

RedisReplyReader::~RedisReplyReader() { redisReaderFree(reader_); }

absl::Status RedisReplyReader::Feed(std::string_view bytes) {
  size_t buffered = reader_->len - reader_->pos;
  if (buffered + bytes.size() > max_buffered_bytes_) {
    return absl::ResourceExhaustedError(
        absl::StrCat("a Redis reply exceeds ", max_buffered_bytes_, " bytes"));
  }
  if (redisReaderFeed(reader_, bytes.data(), bytes.size()) != REDIS_OK) {
    return absl::DataLossError(absl::StrCat("Redis reply reader: ", reader_->errstr));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<RedisReply>> RedisReplyReader::Next() {
  void* parsed = nullptr;
  if (redisReaderGetReply(reader_, &parsed) != REDIS_OK) {
    std::string why = reader_->err == REDIS_ERR_OOM
                          ? "an array longer than allowed, or out of memory"
                          : std::string(reader_->errstr);
    return absl::DataLossError(absl::StrCat("not a Redis (RESP2) reply: ", why));
  }
  if (parsed == nullptr) {
    return std::nullopt;
  }
  auto* reply = static_cast<redisReply*>(parsed);
  RedisReply value = RedisReply::FromHiredis(*reply);
  freeReplyObject(reply);
  return value;
}

}  // namespace hubgate::gateway
