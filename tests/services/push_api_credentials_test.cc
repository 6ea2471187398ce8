#include "services/push_api_credentials.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace hubgate::services {
namespace {

TEST(PushApiCredentialsTest, PlaintextWithoutCertificate) {
  auto credentials = PushApiServerCredentials({});
  ASSERT_TRUE(credentials.ok()) << credentials.status();
  EXPECT_NE(*credentials, nullptr);
}

TEST(PushApiCredentialsTest, UnreadableOrNonPemFilesAreNamed) {
  hubcore::PushApiTlsOptions tls;
  tls.cert_file = testing::TempDir() + "no_such_cert.pem";
  tls.key_file = tls.cert_file;
  auto missing = PushApiServerCredentials(tls);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().message(), "push_api.tls.cert_file: cannot open " + tls.cert_file);

  const std::string not_pem = testing::TempDir() + "push_api_not_pem.txt";
  std::ofstream(not_pem) << "just text\n";
  tls.cert_file = not_pem;
  auto wrong = PushApiServerCredentials(tls);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().message(),
            "push_api.tls.cert_file: " + not_pem + " holds no PEM block");
  std::remove(not_pem.c_str());
}

// gRPC only logs files it cannot load (and then fails every handshake), so the start checks
// that the PEM blocks hold what they claim.
TEST(PushApiCredentialsTest, APemBlockThatHoldsNoCertificateIsNamed) {
  const std::string bogus = testing::TempDir() + "push_api_bogus.pem";
  std::ofstream(bogus) << "-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n";
  hubcore::PushApiTlsOptions tls;
  tls.cert_file = bogus;
  tls.key_file = bogus;
  auto wrong = PushApiServerCredentials(tls);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong.status().message(),
            "push_api.tls.cert_file: " + bogus + " holds no valid certificate");
  std::remove(bogus.c_str());
}

}  // namespace
}  // namespace hubgate::services
