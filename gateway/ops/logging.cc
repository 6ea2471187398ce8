#include "gateway/ops/logging.h"

#include <memory>
#include <string>

#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

#include "spdlog/pattern_formatter.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

namespace {

// The "%*" flag: the log message as a JSON string (quoted and escaped by Boost.JSON).
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    const std::string quoted =
        boost::json::serialize(boost::json::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(quoted.data(), quoted.data() + quoted.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

}  // namespace

void ConfigureLogging(std::string_view format, std::string_view level) {
  if (format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","thread":%t,"msg":%*})");
    spdlog::set_formatter(std::move(formatter));
  } else {
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");
  }
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
}

}  // namespace hubgate::gateway
