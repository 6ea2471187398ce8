#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hubgate::gateway {

// Serves files below one directory (the demo page and the client bundle). Paths that leave the
// directory, hidden files and anything that is not a regular file are not found.
class StaticFiles {
 public:
  struct File {
    std::string content;
    std::string content_type;
  };

  explicit StaticFiles(std::string root);

  // url_path is the decoded path of the request, e.g. "/" or "/vendor/signalr.min.js".
  std::optional<File> Get(std::string_view url_path) const;

 private:
  std::string root_;
};

}  // namespace hubgate::gateway
