#pragma once

#include <string_view>

#include "gateway/http/http_response.h"
#include "gateway/http/static_files.h"

namespace hubgate::gateway {

// GET or HEAD of a path that is no hub's: a file of the static directory, or 404.
class StaticFileHandler {
 public:
  // `files` is null when no static directory is configured.
  static TextAnswer Handle(const StaticFiles* files, std::string_view path);
};

}  // namespace hubgate::gateway
