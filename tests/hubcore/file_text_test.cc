// ReadFileText: a whole file, or an error naming the path; bounded when asked.
#include "hubcore/file_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace hubgate::hubcore {
namespace {

using ::testing::HasSubstr;

TEST(FileTextTest, ReadsAWholeFileWithinItsBound) {
  const std::string path = ::testing::TempDir() + "/hubgate-file-text-test";
  const std::string text(20000, 'x');  // more than one read chunk
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  EXPECT_EQ(ReadFileText(path).value(), text);
  EXPECT_EQ(ReadFileText(path, text.size()).value(), text);
  auto too_large = ReadFileText(path, text.size() - 1);
  EXPECT_TRUE(absl::IsResourceExhausted(too_large.status()));
  EXPECT_THAT(too_large.status().message(), HasSubstr("is larger than 19999 bytes"));
  auto missing = ReadFileText(path + ".missing");
  EXPECT_TRUE(absl::IsNotFound(missing.status()));
  EXPECT_THAT(missing.status().message(), HasSubstr("cannot open " + path + ".missing"));
}

}  // namespace
}  // namespace hubgate::hubcore
