#include "services/validated_pem_mirror.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/mocks/test_certificates.h"

namespace hubgate::services {
namespace {

namespace fs = std::filesystem;
using test_support::MakeTestCertificate;
using test_support::TestCertificate;
using test_support::ReadTextFile;
using test_support::WriteTextFile;
using Result = ValidatedPemMirror::RefreshResult;

// The operator's files in a fresh directory, and a parent for the mirror's own directory.
class ValidatedPemMirrorTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = testing::TempDir() + "pem_mirror_test_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
    fs::create_directory(root_ + "/mirrors");
    sources_ = {"test.tls",
                {"test.tls.cert_file", root_ + "/server.pem"},
                {"test.tls.key_file", root_ + "/server.key"},
                {"test.tls.ca_file", root_ + "/ca.pem"}};
    Install(first_);
    WriteTextFile(sources_.ca.path, ca_.certificate_pem);
  }
  void TearDown() override { fs::remove_all(root_); }

  void Install(const TestCertificate& certificate) {
    WriteTextFile(sources_.certificate.path, certificate.certificate_pem);
    WriteTextFile(sources_.key.path, certificate.key_pem);
  }
  std::unique_ptr<ValidatedPemMirror> MakeMirror() {
    absl::StatusOr<std::unique_ptr<ValidatedPemMirror>> mirror =
        ValidatedPemMirror::Create(sources_, root_ + "/mirrors");
    EXPECT_TRUE(mirror.ok()) << mirror.status();
    return mirror.ok() ? *std::move(mirror) : nullptr;
  }
  size_t MirrorDirectories() const {
    return static_cast<size_t>(std::distance(fs::directory_iterator(root_ + "/mirrors"),
                                             fs::directory_iterator()));
  }

  const TestCertificate first_ = MakeTestCertificate("first");
  const TestCertificate second_ = MakeTestCertificate("second");
  const TestCertificate ca_ = MakeTestCertificate("ca");
  std::string root_;
  PemSourceSet sources_;
};

TEST_F(ValidatedPemMirrorTest, PublishesTheFilesIntoAPrivateDirectory) {
  std::unique_ptr<ValidatedPemMirror> mirror = MakeMirror();
  ASSERT_NE(mirror, nullptr);
  EXPECT_EQ(mirror->certificate_path(), mirror->directory() + "/current/cert.pem");
  EXPECT_EQ(ReadTextFile(mirror->certificate_path()), first_.certificate_pem);
  EXPECT_EQ(ReadTextFile(mirror->key_path()), first_.key_pem);
  EXPECT_EQ(ReadTextFile(mirror->ca_path()), ca_.certificate_pem);
  EXPECT_EQ(fs::read_symlink(mirror->directory() + "/current"), "v1");
  struct stat key_status {};
  ASSERT_EQ(::stat(mirror->key_path().c_str(), &key_status), 0);
  EXPECT_EQ(key_status.st_mode & 0777, 0600u);
  struct stat directory_status {};
  ASSERT_EQ(::stat(mirror->directory().c_str(), &directory_status), 0);
  EXPECT_EQ(directory_status.st_mode & 0777, 0700u);
  EXPECT_EQ(mirror->Refresh(), Result::kUnchanged);
}

TEST_F(ValidatedPemMirrorTest, UnconfiguredFilesHaveNoPath) {
  sources_.ca = {};
  std::unique_ptr<ValidatedPemMirror> mirror = MakeMirror();
  ASSERT_NE(mirror, nullptr);
  EXPECT_EQ(mirror->ca_path(), "");
  EXPECT_FALSE(fs::exists(mirror->directory() + "/current/ca.pem"));
}

TEST_F(ValidatedPemMirrorTest, AGoodReplacementIsSwappedInWhole) {
  std::unique_ptr<ValidatedPemMirror> mirror = MakeMirror();
  ASSERT_NE(mirror, nullptr);
  struct stat before {};
  ASSERT_EQ(::stat(mirror->key_path().c_str(), &before), 0);

  Install(second_);
  EXPECT_EQ(mirror->Refresh(), Result::kPublished);
  EXPECT_EQ(fs::read_symlink(mirror->directory() + "/current"), "v2");
  EXPECT_FALSE(fs::exists(mirror->directory() + "/v1"));
  EXPECT_EQ(ReadTextFile(mirror->certificate_path()), second_.certificate_pem);
  EXPECT_EQ(ReadTextFile(mirror->key_path()), second_.key_pem);
  // Later even within the same second: gRPC's modification-time check must see the swap.
  struct stat after {};
  ASSERT_EQ(::stat(mirror->key_path().c_str(), &after), 0);
  EXPECT_GT(after.st_mtime, before.st_mtime);
  EXPECT_TRUE(mirror->last_rejection().ok());
}

TEST_F(ValidatedPemMirrorTest, GarbageIsRefusedOnceAndThePreviousSetKept) {
  std::unique_ptr<ValidatedPemMirror> mirror = MakeMirror();
  ASSERT_NE(mirror, nullptr);
  WriteTextFile(sources_.certificate.path, "not a certificate\n");
  EXPECT_EQ(mirror->Refresh(), Result::kRejected);
  EXPECT_EQ(mirror->last_rejection().message(),
            "test.tls.cert_file: " + sources_.certificate.path + " holds no valid certificate");
  EXPECT_EQ(ReadTextFile(mirror->certificate_path()), first_.certificate_pem);
  // The same bad file is not checked (nor logged) again.
  EXPECT_EQ(mirror->Refresh(), Result::kUnchanged);
}

TEST_F(ValidatedPemMirrorTest, ACertificateWaitsForItsKey) {
  std::unique_ptr<ValidatedPemMirror> mirror = MakeMirror();
  ASSERT_NE(mirror, nullptr);
  WriteTextFile(sources_.certificate.path, second_.certificate_pem);
  EXPECT_EQ(mirror->Refresh(), Result::kRejected);
  EXPECT_EQ(mirror->last_rejection().message(),
            "test.tls.key_file: " + sources_.key.path + " does not belong to the certificate");
  EXPECT_EQ(ReadTextFile(mirror->certificate_path()), first_.certificate_pem);
  EXPECT_EQ(ReadTextFile(mirror->key_path()), first_.key_pem);

  WriteTextFile(sources_.key.path, second_.key_pem);
  EXPECT_EQ(mirror->Refresh(), Result::kPublished);
  EXPECT_EQ(ReadTextFile(mirror->certificate_path()), second_.certificate_pem);
  EXPECT_EQ(ReadTextFile(mirror->key_path()), second_.key_pem);
}

TEST_F(ValidatedPemMirrorTest, ADeletedFileIsRefusedUntilItReturns) {
  std::unique_ptr<ValidatedPemMirror> mirror = MakeMirror();
  ASSERT_NE(mirror, nullptr);
  fs::remove(sources_.ca.path);
  EXPECT_EQ(mirror->Refresh(), Result::kRejected);
  EXPECT_EQ(mirror->last_rejection().message(),
            "test.tls.ca_file: " + sources_.ca.path + " cannot be read");
  EXPECT_EQ(ReadTextFile(mirror->ca_path()), ca_.certificate_pem);
  EXPECT_EQ(mirror->Refresh(), Result::kUnchanged);

  WriteTextFile(sources_.ca.path, second_.certificate_pem);
  EXPECT_EQ(mirror->Refresh(), Result::kPublished);
  EXPECT_EQ(ReadTextFile(mirror->ca_path()), second_.certificate_pem);
}

TEST_F(ValidatedPemMirrorTest, AnOversizedFileIsRefused) {
  std::unique_ptr<ValidatedPemMirror> mirror = MakeMirror();
  ASSERT_NE(mirror, nullptr);
  WriteTextFile(sources_.ca.path, std::string(kMaxPemFileBytes + 1, 'x'));
  EXPECT_EQ(mirror->Refresh(), Result::kRejected);
  EXPECT_EQ(mirror->last_rejection().message(),
            "test.tls.ca_file: " + sources_.ca.path + " is larger than 1 MiB");
}

TEST_F(ValidatedPemMirrorTest, CreateRefusesBadFilesAndLeavesNothingBehind) {
  WriteTextFile(sources_.key.path, second_.key_pem);
  absl::StatusOr<std::unique_ptr<ValidatedPemMirror>> mirror =
      ValidatedPemMirror::Create(sources_, root_ + "/mirrors");
  ASSERT_FALSE(mirror.ok());
  EXPECT_EQ(mirror.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(mirror.status().message(),
            "test.tls.key_file: " + sources_.key.path + " does not belong to the certificate");
  EXPECT_EQ(MirrorDirectories(), 0u);
}

TEST_F(ValidatedPemMirrorTest, TheDirectoryGoesWithTheMirror) {
  std::unique_ptr<ValidatedPemMirror> mirror = MakeMirror();
  ASSERT_NE(mirror, nullptr);
  const std::string directory = mirror->directory();
  EXPECT_EQ(MirrorDirectories(), 1u);
  mirror.reset();
  EXPECT_FALSE(fs::exists(directory));
  EXPECT_EQ(MirrorDirectories(), 0u);
}

}  // namespace
}  // namespace hubgate::services
