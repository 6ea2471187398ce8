#include "gateway/http/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"

namespace hubgate::gateway {

namespace {

std::string ContentTypeFor(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json") return "application/json";
  if (ext == ".png") return "image/png";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".map") return "application/json";
  return "application/octet-stream";
}

}  // namespace

StaticFiles::StaticFiles(std::string root) {
  std::error_code ec;
  auto canonical = std::filesystem::weakly_canonical(root, ec);
  root_ = ec ? root : canonical.string();
}

std::optional<StaticFiles::File> StaticFiles::Get(std::string_view url_path) const {
  if (url_path.empty() || url_path.front() != '/' ||
      url_path.find("/.") != std::string_view::npos ||
      url_path.find('\\') != std::string_view::npos ||
      url_path.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  std::string relative(url_path.substr(1));
  if (relative.empty() || relative.back() == '/') {
    relative += "index.html";
  }
  std::error_code ec;
  auto full = std::filesystem::weakly_canonical(std::filesystem::path(root_) / relative, ec);
  if (ec || !absl::StartsWith(full.string(), root_ + "/") ||
      !std::filesystem::is_regular_file(full, ec)) {
    return std::nullopt;
  }
  std::ifstream in(full, std::ios::binary);
  if (!in) {
    return std::nullopt;
  }
  std::ostringstream content;
  content << in.rdbuf();
  return File{content.str(), ContentTypeFor(full)};
}

}  // namespace hubgate::gateway
