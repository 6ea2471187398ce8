#include "gateway/backplane/redis_command.h"

#include <hiredis/hiredis.h>

#include <vector>

#include "hubcore/check.h"

namespace hubgate::gateway {

std::string EncodeRedisCommand(std::span<const std::string_view> args) {
  std::vector<const char*> pointers;
  std::vector<size_t> lengths;
  pointers.reserve(args.size());
  lengths.reserve(args.size());
  for (std::string_view arg : args) {
    pointers.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  char* encoded = nullptr;
  int length = redisFormatCommandArgv(&encoded, static_cast<int>(args.size()), pointers.data(),
                                      lengths.data());
  // Formatting fails only when malloc does.
  HUBGATE_CHECK(length >= 0 && encoded != nullptr, "redisFormatCommandArgv failed");
  std::string command(encoded, static_cast<size_t>(length));
  redisFreeCommand(encoded);
  return command;
}

std::string EncodeRedisCommand(std::initializer_list<std::string_view> args) {
  return EncodeRedisCommand(std::span<const std::string_view>(args.begin(), args.size()));
}

}  // namespace hubgate::gateway
