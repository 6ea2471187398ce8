// GET/HEAD of a path no hub owns: a static file or 404.
#include "gateway/http/static_file_handler.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

TEST(StaticFileHandlerTest, WithoutAStaticDirectoryEverythingIsNotFound) {
  TextAnswer answer = StaticFileHandler::Handle(nullptr, "/");
  EXPECT_EQ(answer.status, http::status::not_found);
  EXPECT_EQ(answer.body, "Not found");
  EXPECT_EQ(answer.content_type, "text/plain; charset=utf-8");
}

TEST(StaticFileHandlerTest, FilesAreServedWithTheirTypeAndMissingOnesAreNotFound) {
  const std::filesystem::path root = std::filesystem::temp_directory_path() /
                                     ("hubgate-static-handler-" + std::to_string(::getpid()));
  std::filesystem::create_directories(root);
  std::ofstream(root / "index.html") << "<h1>hi</h1>";
  StaticFiles files(root.string());

  TextAnswer index = StaticFileHandler::Handle(&files, "/index.html");
  EXPECT_EQ(index.status, http::status::ok);
  EXPECT_EQ(index.body, "<h1>hi</h1>");
  EXPECT_NE(index.content_type.find("text/html"), std::string::npos) << index.content_type;

  TextAnswer missing = StaticFileHandler::Handle(&files, "/missing.js");
  EXPECT_EQ(missing.status, http::status::not_found);
  EXPECT_EQ(missing.body, "Not found");
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace hubgate::gateway
