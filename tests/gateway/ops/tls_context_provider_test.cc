// TlsContextProvider: loading a listener's certificate, and re-reading it when its files
// change (a broken replacement keeps the previous certificate and is reported once).
#include "gateway/ops/tls_context_provider.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "tests/mocks/test_certificates.h"

namespace hubgate::gateway {
namespace {

using ::hubgate::test_support::MakeTestCertificate;
using ::hubgate::test_support::TestCertificate;
using ::hubgate::test_support::WriteTextFile;
using ::testing::HasSubstr;
using Outcome = TlsContextProvider::ReloadOutcome;

std::string SubjectOf(const TlsContextProvider& provider) {
  X509* certificate = SSL_CTX_get0_certificate(provider.Current()->native_handle());
  char name[256] = {};
  X509_NAME_oneline(X509_get_subject_name(certificate), name, sizeof(name));
  return name;
}

class TlsContextProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hubgate-tls-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    files_.cert_file = (dir_ / "cert.pem").string();
    files_.key_file = (dir_ / "key.pem").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Write(const TestCertificate& certificate) {
    WriteTextFile(files_.cert_file, certificate.certificate_pem);
    WriteTextFile(files_.key_file, certificate.key_pem);
  }

  std::filesystem::path dir_;
  ListenerTlsConfig files_;
};

TEST_F(TlsContextProviderTest, LoadsTheCertificateAndItsExpiry) {
  Write(MakeTestCertificate("first", 3));
  auto provider = TlsContextProvider::Create("http", files_);
  ASSERT_TRUE(provider.ok()) << provider.status();
  EXPECT_THAT(SubjectOf(**provider), HasSubstr("CN=first"));
  const auto left = (*provider)->certificate_not_after() - std::chrono::system_clock::now();
  EXPECT_GT(left, std::chrono::hours(71));
  EXPECT_LT(left, std::chrono::hours(73));
}

TEST_F(TlsContextProviderTest, StartUpErrorsNameTheListenerAndTheFile) {
  auto missing = TlsContextProvider::Create("admin", files_);
  EXPECT_THAT(missing.status().message(), HasSubstr("admin.tls: cannot open"));
  EXPECT_THAT(missing.status().message(), HasSubstr("cert.pem"));

  TestCertificate first = MakeTestCertificate("first");
  TestCertificate second = MakeTestCertificate("second");
  WriteTextFile(files_.cert_file, first.certificate_pem);
  WriteTextFile(files_.key_file, second.key_pem);
  auto mismatched = TlsContextProvider::Create("http", files_);
  EXPECT_THAT(mismatched.status().message(), HasSubstr("http.tls: key_file"));

  WriteTextFile(files_.cert_file, "not a certificate");
  auto garbage = TlsContextProvider::Create("http", files_);
  EXPECT_THAT(garbage.status().message(), HasSubstr("http.tls: cert_file"));
}

TEST_F(TlsContextProviderTest, ReloadSwapsOnlyForAChangedValidPair) {
  Write(MakeTestCertificate("first"));
  auto provider = TlsContextProvider::Create("http", files_);
  ASSERT_TRUE(provider.ok()) << provider.status();
  auto before = (*provider)->Current();
  EXPECT_EQ((*provider)->Reload(), Outcome::kUnchanged);
  EXPECT_EQ((*provider)->Current(), before);

  Write(MakeTestCertificate("second"));
  EXPECT_EQ((*provider)->Reload(), Outcome::kReloaded);
  EXPECT_NE((*provider)->Current(), before);
  EXPECT_THAT(SubjectOf(**provider), HasSubstr("CN=second"));
  // The context handed out before stays usable by whoever holds it.
  EXPECT_NE(SSL_CTX_get0_certificate(before->native_handle()), nullptr);
}

TEST_F(TlsContextProviderTest, ABrokenReplacementKeepsTheCurrentCertificateAndIsReportedOnce) {
  Write(MakeTestCertificate("first"));
  auto provider = TlsContextProvider::Create("http", files_);
  ASSERT_TRUE(provider.ok()) << provider.status();
  auto current = (*provider)->Current();

  // Mid-rotation: the new certificate is there, its key not yet.
  WriteTextFile(files_.cert_file, MakeTestCertificate("second").certificate_pem);
  EXPECT_EQ((*provider)->Reload(), Outcome::kFailed);
  EXPECT_EQ((*provider)->Reload(), Outcome::kUnchanged);  // the same bad state: no new report
  EXPECT_EQ((*provider)->Current(), current);

  std::filesystem::remove(files_.key_file);
  EXPECT_EQ((*provider)->Reload(), Outcome::kFailed);
  EXPECT_EQ((*provider)->Reload(), Outcome::kUnchanged);
  EXPECT_EQ((*provider)->Current(), current);

  Write(MakeTestCertificate("third"));
  EXPECT_EQ((*provider)->Reload(), Outcome::kReloaded);
  EXPECT_THAT(SubjectOf(**provider), HasSubstr("CN=third"));
}

}  // namespace
}  // namespace hubgate::gateway
