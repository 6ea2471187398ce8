#include "gateway/http/static_files.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("hubgate-static-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(root_ / "vendor");
    std::ofstream(root_ / "index.html") << "<h1>hi</h1>";
    std::ofstream(root_ / "vendor" / "app.js") << "let x = 1;";
    std::ofstream(root_ / ".secret") << "no";
    std::ofstream(root_.parent_path() / "outside.txt") << "no";
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  std::filesystem::path root_;
};

TEST_F(StaticFilesTest, ServesFilesWithTypes) {
  StaticFiles files(root_.string());
  auto index = files.Get("/");
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->content, "<h1>hi</h1>");
  EXPECT_EQ(index->content_type, "text/html; charset=utf-8");
  auto js = files.Get("/vendor/app.js");
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
}

TEST_F(StaticFilesTest, RefusesEscapesHiddenFilesAndDirectories) {
  StaticFiles files(root_.string());
  EXPECT_FALSE(files.Get("/../outside.txt").has_value());
  EXPECT_FALSE(files.Get("/vendor/../../outside.txt").has_value());
  EXPECT_FALSE(files.Get("/.secret").has_value());
  EXPECT_FALSE(files.Get("/missing.html").has_value());
  EXPECT_FALSE(files.Get("/vendor").has_value());
  EXPECT_FALSE(files.Get("relative").has_value());
}

}  // namespace
}  // namespace hubgate::gateway
