// Listen addresses in the configuration: the same parser as the listeners (listen_address.h),
// so what the check accepts is what the listeners bind.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gateway/ops/config.h"

namespace hubgate::gateway {
namespace {

using ::testing::HasSubstr;

TEST(ConfigListenTest, EmptyHostMeansAllInterfacesEverywhere) {
  auto config = ParseConfigYaml(
      "http:\n  listen: \":8080\"\ngrpc:\n  listen: \":50051\"\nadmin:\n  listen: \":9090\"\n");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(FinalizeConfig(*config).ok());
  EXPECT_EQ(config->http_listen, ":8080");
  EXPECT_EQ(config->admin_listen, ":9090");
  // gRPC refuses an empty host, so it is given the same all-interfaces address spelled out.
  EXPECT_EQ(config->grpc_listen, "0.0.0.0:50051");
}

TEST(ConfigListenTest, GrpcMayNameItsHostTheGatewayListenersMayNot) {
  auto config = ParseConfigYaml("grpc:\n  listen: \"grpc.internal:50051\"\n");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(FinalizeConfig(*config).ok());
  EXPECT_EQ(config->grpc_listen, "grpc.internal:50051");

  config = ParseConfigYaml("http:\n  listen: \"example.com:80\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(),
              HasSubstr("http.listen (line 2): listen address 'example.com:80': host must be"));
  config = ParseConfigYaml("admin:\n  listen: \"[::1]\"\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("admin.listen (line 2)"));
}

TEST(ConfigListenTest, ValuesSetAfterParsingAreCheckedToo) {
  // Flags (main.cc) set the fields directly; FinalizeConfig checks them with the same parser.
  GatewayConfig config = DefaultConfig();
  config.http_listen = "8080";
  EXPECT_THAT(FinalizeConfig(config).message(), HasSubstr("http.listen: listen address '8080'"));
  config = DefaultConfig();
  config.admin_listen = "nowhere:1";
  EXPECT_THAT(FinalizeConfig(config).message(), HasSubstr("admin.listen:"));
  config = DefaultConfig();
  config.grpc_listen = "[::]";
  EXPECT_THAT(FinalizeConfig(config).message(), HasSubstr("grpc.listen:"));
  config = DefaultConfig();
  config.http_listen = ":0";
  EXPECT_TRUE(FinalizeConfig(config).ok());
}

TEST(ConfigListenTest, EnvironmentListenOverridesUseTheSameParser) {
  setenv("HUBGATE_HTTP_LISTEN", ":8181", 1);
  setenv("HUBGATE_GRPC_LISTEN", ":50052", 1);
  GatewayConfig config = DefaultConfig();
  absl::Status status = FinalizeConfig(config);
  unsetenv("HUBGATE_HTTP_LISTEN");
  unsetenv("HUBGATE_GRPC_LISTEN");
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(config.http_listen, ":8181");
  EXPECT_EQ(config.grpc_listen, "0.0.0.0:50052");

  setenv("HUBGATE_ADMIN_LISTEN", "example.com:9090", 1);
  config = DefaultConfig();
  status = FinalizeConfig(config);
  unsetenv("HUBGATE_ADMIN_LISTEN");
  EXPECT_THAT(status.message(), HasSubstr("environment HUBGATE_ADMIN_LISTEN: listen address"));
}

}  // namespace
}  // namespace hubgate::gateway

namespace hubgate::gateway {
namespace {

TEST(ConfigListenTest, ListenerTlsIsReadForHttpAndAdmin) {
  const std::string file = ::testing::TempDir() + "/hubgate-config-listen-tls.pem";
  std::ofstream(file) << "-----BEGIN CERTIFICATE-----\n";
  auto config = ParseConfigYaml("http:\n  tls:\n    cert_file: " + file + "\n    key_file: " +
                                file + "\nadmin:\n  tls: {cert_file: " + file +
                                ", key_file: " + file + "}\n");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(FinalizeConfig(*config).ok());
  EXPECT_TRUE(config->http_tls.enabled());
  EXPECT_EQ(config->http_tls.key_file, file);
  EXPECT_EQ(config->admin_tls.cert_file, file);
  EXPECT_FALSE(ParseConfigYaml("").value().http_tls.enabled());  // plaintext by default
}

TEST(ConfigListenTest, ListenerTlsNeedsBothFilesAndReadableOnes) {
  auto config = ParseConfigYaml("http:\n  tls:\n    cert_file: /x.pem\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(FinalizeConfig(*config).message(),
              HasSubstr("http.tls: set both cert_file and key_file"));
  config = ParseConfigYaml("admin:\n  tls:\n    cert_file: /no/such.pem\n    key_file: /no/k\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(FinalizeConfig(*config).message(),
              HasSubstr("admin.tls.cert_file: cannot open /no/such.pem"));
  config = ParseConfigYaml("http:\n  tls:\n    certfile: /x.pem\n");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("http.tls.certfile (line 3): unknown key"));
}

}  // namespace
}  // namespace hubgate::gateway
