#include "gateway/http/static_file_handler.h"

namespace hubgate::gateway {

TextAnswer StaticFileHandler::Handle(const StaticFiles* files, std::string_view path) {
  std::optional<StaticFiles::File> file = files == nullptr ? std::nullopt : files->Get(path);
  if (!file) {
    return {http::status::not_found, "Not found"};
  }
  return {http::status::ok, std::move(file->content), std::move(file->content_type)};
}

}  // namespace hubgate::gateway
