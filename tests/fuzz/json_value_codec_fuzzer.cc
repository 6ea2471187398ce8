// JSON text -> Value -> JSON -> Value: the second conversion must give the same JSON again.
#include "boost/json.hpp"
#include "fuzz_input.h"
#include "hubcore/json_value_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using hubgate::hubcore::JsonValueCodec;
  auto value = JsonValueCodec::Parse(hubgate::fuzz::AsText(data, size));
  if (!value.ok()) {
    return 0;
  }
  const boost::json::value once = JsonValueCodec::ToJson(*value);
  const boost::json::value twice = JsonValueCodec::ToJson(JsonValueCodec::FromJson(once));
  HUBGATE_CHECK(once == twice, "the JSON mapping is stable");
  return 0;
}
