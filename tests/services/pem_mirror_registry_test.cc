#include "services/pem_mirror_registry.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/mocks/test_certificates.h"

namespace hubgate::services {
namespace {

namespace fs = std::filesystem;
using test_support::MakeTestCertificate;
using test_support::TestCertificate;
using test_support::ReadTextFile;
using test_support::WriteTextFile;

class PemMirrorRegistryTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = testing::TempDir() + "pem_registry_test_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    sources_ = {"test.tls",
                {"test.tls.cert_file", root_ + "/server.pem"},
                {"test.tls.key_file", root_ + "/server.key"},
                {"test.tls.ca_file", ""},
                "test"};
    Install(first_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void Install(const TestCertificate& certificate) {
    WriteTextFile(sources_.certificate.path, certificate.certificate_pem);
    WriteTextFile(sources_.key.path, certificate.key_pem);
  }
  const TestCertificate first_ = MakeTestCertificate("first");
  const TestCertificate second_ = MakeTestCertificate("second");
  std::string root_;
  PemSourceSet sources_;
};

// A registry whose thread never runs a round during the test: only Mirror() refreshes.
constexpr std::chrono::hours kNever{1};

TEST_F(PemMirrorRegistryTest, TheSameSetGetsTheSameMirrorRefreshedNow) {
  PemMirrorRegistry registry(root_, kNever);
  absl::StatusOr<MirroredPemPaths> first = registry.Mirror(sources_);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->ca, "");
  EXPECT_EQ(ReadTextFile(first->certificate), first_.certificate_pem);

  Install(second_);
  absl::StatusOr<MirroredPemPaths> again = registry.Mirror(sources_);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->certificate, first->certificate);
  EXPECT_EQ(again->key, first->key);
  EXPECT_EQ(ReadTextFile(again->certificate), second_.certificate_pem);
  EXPECT_EQ(ReadTextFile(again->key), second_.key_pem);
}

TEST_F(PemMirrorRegistryTest, TheObserverHearsOfEveryChangedSet) {
  PemMirrorRegistry registry(root_, kNever);
  std::vector<std::pair<std::string, bool>> heard;
  registry.SetReloadObserver([&heard](std::string_view listener, bool reloaded) {
    heard.emplace_back(std::string(listener), reloaded);
  });
  ASSERT_TRUE(registry.Mirror(sources_).ok());  // made: not a reload
  WriteTextFile(sources_.key.path, second_.key_pem);
  ASSERT_TRUE(registry.Mirror(sources_).ok());  // refused: the previous set stays
  ASSERT_TRUE(registry.Mirror(sources_).ok());  // the same refused set: not heard again
  WriteTextFile(sources_.certificate.path, second_.certificate_pem);
  ASSERT_TRUE(registry.Mirror(sources_).ok());  // reloaded
  const std::vector<std::pair<std::string, bool>> expected = {{"test", false}, {"test", true}};
  EXPECT_EQ(heard, expected);
  registry.SetReloadObserver(nullptr);
}

TEST_F(PemMirrorRegistryTest, BadFilesAreAnErrorAndNoMirror) {
  PemMirrorRegistry registry(root_, kNever);
  WriteTextFile(sources_.key.path, second_.key_pem);
  absl::StatusOr<MirroredPemPaths> mirrored = registry.Mirror(sources_);
  ASSERT_FALSE(mirrored.ok());
  EXPECT_EQ(mirrored.status().message(),
            "test.tls.key_file: " + sources_.key.path + " does not belong to the certificate");
}

TEST_F(PemMirrorRegistryTest, TheDirectoriesGoWithTheRegistry) {
  std::string directory;
  {
    PemMirrorRegistry registry(root_, kNever);
    absl::StatusOr<MirroredPemPaths> mirrored = registry.Mirror(sources_);
    ASSERT_TRUE(mirrored.ok()) << mirrored.status();
    directory = fs::path(mirrored->certificate).parent_path().parent_path();
    EXPECT_TRUE(fs::exists(directory));
  }
  EXPECT_FALSE(fs::exists(directory));
}

TEST_F(PemMirrorRegistryTest, ItsThreadPublishesAReplacement) {
  PemMirrorRegistry registry(root_, std::chrono::milliseconds(10));
  absl::StatusOr<MirroredPemPaths> mirrored = registry.Mirror(sources_);
  ASSERT_TRUE(mirrored.ok()) << mirrored.status();
  Install(second_);
  // The thread's rounds are not observable from outside: a bounded wait for the new contents.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (ReadTextFile(mirrored->key) != second_.key_pem &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(ReadTextFile(mirrored->key), second_.key_pem);
  EXPECT_EQ(ReadTextFile(mirrored->certificate), second_.certificate_pem);
}

}  // namespace
}  // namespace hubgate::services
