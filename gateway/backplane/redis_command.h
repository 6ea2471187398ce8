#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace hubgate::gateway {

// Encodes one command (name and arguments, binary-safe) as RESP, with hiredis'
// redisFormatCommandArgv.
std::string EncodeRedisCommand(std::span<const std::string_view> args);
std::string EncodeRedisCommand(std::initializer_list<std::string_view> args);

}  // namespace hubgate::gateway
