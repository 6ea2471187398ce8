// Cross-origin decisions.
#include <cstdlib>
#include <string>

#include "gateway/http/cors.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

TEST(CorsTest, ExactOriginsMatchCaseInsensitivelyAndAreEchoed) {
  CorsConfig cors{{"https://app.example"}};
  EXPECT_EQ(Cors::AllowedOrigin(cors, "https://app.example"), "https://app.example");
  EXPECT_EQ(Cors::AllowedOrigin(cors, "https://APP.example"), "https://APP.example");
  EXPECT_EQ(Cors::AllowedOrigin(cors, "https://evil.example"), std::nullopt);
  EXPECT_EQ(Cors::AllowedOrigin(cors, "https://app.example.evil"), std::nullopt);
  EXPECT_EQ(Cors::AllowedOrigin(cors, ""), std::nullopt);
}

TEST(CorsTest, NoWildcardAndNullOnlyWhenListed) {
  CorsConfig cors{{"*"}};
  EXPECT_EQ(Cors::AllowedOrigin(cors, "https://any.example"), std::nullopt)
      << "\"*\" is refused by the configuration and matches nothing here";
  EXPECT_EQ(Cors::AllowedOrigin(cors, "null"), std::nullopt);
  EXPECT_EQ(Cors::AllowedOrigin(CorsConfig{{"null"}}, "null"), "null");
  EXPECT_EQ(Cors::AllowedOrigin(CorsConfig{}, "https://any.example"), std::nullopt);
}

TEST(CorsTest, ResponsesCarryOriginCredentialsAndVary) {
  EXPECT_THAT(Cors::ResponseHeaders("https://a.example"),
              ElementsAre(Pair("Access-Control-Allow-Origin", "https://a.example"),
                          Pair("Access-Control-Allow-Credentials", "true"),
                          Pair("Vary", "Origin")));
}

TEST(CorsTest, PreflightEchoesMethodAndHeaders) {
  CorsConfig cors{{"https://a.example"}, std::chrono::seconds(120)};
  EXPECT_THAT(Cors::PreflightHeaders(cors, "https://a.example", "POST",
                                     "x-requested-with,authorization"),
              ElementsAre(Pair("Access-Control-Allow-Origin", "https://a.example"),
                          Pair("Access-Control-Allow-Credentials", "true"),
                          Pair("Vary", "Origin"), Pair("Access-Control-Allow-Methods", "POST"),
                          Pair("Access-Control-Allow-Headers", "x-requested-with,authorization"),
                          Pair("Access-Control-Max-Age", "120")));
  EXPECT_THAT(Cors::PreflightHeaders(cors, "https://a.example", "", ""),
              ElementsAre(Pair("Access-Control-Allow-Origin", "https://a.example"),
                          Pair("Access-Control-Allow-Credentials", "true"),
                          Pair("Vary", "Origin"),
                          Pair("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS"),
                          Pair("Access-Control-Max-Age", "120")));
}

}  // namespace
}  // namespace hubgate::gateway
