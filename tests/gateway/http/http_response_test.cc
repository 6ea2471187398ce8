// The one place responses are built: each kind of answer keeps the headers its route sends.
#include <string>

#include "gateway/http/http_response.h"
#include "gtest/gtest.h"

namespace hubgate::gateway {
namespace {

using Request = http::request<http::string_body>;

std::string Field(const http::fields& fields, http::field name) {
  auto it = fields.find(name);
  return it == fields.end() ? "<none>" : std::string(it->value());
}

std::string Field(const http::fields& fields, std::string_view name) {
  auto it = fields.find(name);
  return it == fields.end() ? "<none>" : std::string(it->value());
}

RequestTraits AllowedOrigin() {
  RequestTraits traits;
  traits.cors_origin = "https://app.example";
  return traits;
}

TEST(RequestTraitsTest, VersionKeepAliveHeadAndAllowedOrigin) {
  Request request(http::verb::head, "/", 10);
  request.set(http::field::origin, "https://app.example");
  RequestTraits traits = RequestTraits::Of(request, CorsConfig{{"https://app.example"}});
  EXPECT_EQ(traits.version, 10u);
  EXPECT_FALSE(traits.keep_alive);
  EXPECT_TRUE(traits.head);
  EXPECT_EQ(traits.cors_origin, "https://app.example");
}

TEST(RequestTraitsTest, NoOriginUnlessAllowed) {
  Request request(http::verb::get, "/", 11);
  request.set(http::field::origin, "https://evil.example");
  EXPECT_EQ(RequestTraits::Of(request, CorsConfig{{"https://app.example"}}).cors_origin, "");
  EXPECT_EQ(RequestTraits::Of(request, CorsConfig{}).cors_origin, "");
  EXPECT_TRUE(RequestTraits::Of(request, CorsConfig{}).keep_alive);
}

TEST(HttpResponseTest, TextAnswersAreNoCacheWithTheirTypeAndCors) {
  auto response = HttpResponse::Build(AllowedOrigin(), http::status::not_found, "Not found",
                                      ResponseStyle::Text());
  EXPECT_EQ(response.result(), http::status::not_found);
  EXPECT_EQ(Field(response, http::field::server), "hubgate");
  EXPECT_EQ(Field(response, http::field::cache_control), "no-cache");
  EXPECT_EQ(Field(response, http::field::content_type), "text/plain; charset=utf-8");
  EXPECT_EQ(Field(response, "Access-Control-Allow-Origin"), "https://app.example");
  EXPECT_EQ(Field(response, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(Field(response, http::field::vary), "Origin");
  EXPECT_EQ(Field(response, http::field::content_length), "9");
  EXPECT_EQ(response.body(), "Not found");
}

TEST(HttpResponseTest, EmptyTextAnswersNameNoType) {
  auto response = HttpResponse::Build(RequestTraits(), http::status::unauthorized, "",
                                      ResponseStyle::Text("application/json"));
  EXPECT_EQ(Field(response, http::field::content_type), "<none>");
  EXPECT_EQ(Field(response, http::field::content_length), "0");
  EXPECT_EQ(Field(response, "Access-Control-Allow-Origin"), "<none>");
}

TEST(HttpResponseTest, HeadKeepsTheTypeButNotTheBody) {
  RequestTraits traits;
  traits.head = true;
  auto response =
      HttpResponse::Build(traits, http::status::ok, "<html/>", ResponseStyle::Text("text/html"));
  EXPECT_EQ(Field(response, http::field::content_type), "text/html");
  EXPECT_EQ(response.body(), "");
  EXPECT_EQ(Field(response, http::field::content_length), "0");
}

TEST(HttpResponseTest, TransportAnswersAreNoStoreAndAlwaysTyped) {
  auto response = HttpResponse::Build(AllowedOrigin(), http::status::ok, "",
                                      ResponseStyle::Transport());
  EXPECT_EQ(Field(response, http::field::cache_control), "no-cache, no-store");
  EXPECT_EQ(Field(response, http::field::content_type), "text/plain");
  EXPECT_EQ(Field(response, "Access-Control-Allow-Origin"), "https://app.example");
}

TEST(HttpResponseTest, NoContentDropsTheBody) {
  auto response = HttpResponse::Build(RequestTraits(), http::status::no_content, "ignored",
                                      ResponseStyle::Transport());
  EXPECT_EQ(response.body(), "");
}

TEST(HttpResponseTest, KeepAliveFollowsTheRequest) {
  RequestTraits http10;
  http10.version = 10;
  http10.keep_alive = false;
  auto closing =
      HttpResponse::Build(http10, http::status::ok, "x", ResponseStyle::Transport());
  EXPECT_EQ(closing.version(), 10u);
  EXPECT_FALSE(closing.keep_alive());
  http10.keep_alive = true;
  auto kept = HttpResponse::Build(http10, http::status::ok, "x", ResponseStyle::Transport());
  EXPECT_EQ(Field(kept, http::field::connection), "keep-alive");
  auto http11 = HttpResponse::Build(RequestTraits(), http::status::ok, "x",
                                    ResponseStyle::Transport());
  EXPECT_EQ(Field(http11, http::field::connection), "<none>");
}

TEST(HttpResponseTest, FrameHeadsCarryTheLengthOfTheFrames) {
  auto head = HttpResponse::BuildHead(AllowedOrigin(), http::status::ok, ResponseStyle::Frames(),
                                      42);
  EXPECT_EQ(Field(head, http::field::cache_control), "no-cache, no-store");
  EXPECT_EQ(Field(head, http::field::content_type), "application/octet-stream");
  EXPECT_EQ(Field(head, http::field::content_length), "42");
  EXPECT_EQ(Field(head, "Access-Control-Allow-Origin"), "https://app.example");
}

TEST(HttpResponseTest, PreflightsCarryOnlyTheirOwnHeaders) {
  auto response = HttpResponse::Build(AllowedOrigin(), http::status::no_content, "",
                                      ResponseStyle::Preflight(), {{"Vary", "Origin"}});
  EXPECT_EQ(Field(response, http::field::server), "hubgate");
  EXPECT_EQ(Field(response, http::field::cache_control), "<none>");
  EXPECT_EQ(Field(response, http::field::content_type), "<none>");
  EXPECT_EQ(Field(response, "Access-Control-Allow-Origin"), "<none>");
  EXPECT_EQ(Field(response, http::field::vary), "Origin");
}

TEST(HttpResponseTest, MalformedRequestsGetATypedAnswerWithoutCors) {
  RequestTraits traits = AllowedOrigin();
  traits.keep_alive = false;
  auto response = HttpResponse::Build(traits, http::status::payload_too_large, "Bad request: x",
                                      ResponseStyle::Malformed());
  EXPECT_EQ(Field(response, http::field::content_type), "text/plain; charset=utf-8");
  EXPECT_EQ(Field(response, http::field::cache_control), "<none>");
  EXPECT_EQ(Field(response, "Access-Control-Allow-Origin"), "<none>");
  EXPECT_EQ(Field(response, http::field::connection), "close");
}

TEST(HttpResponseTest, ResumeRefusalsAreBare) {
  auto response = HttpResponse::Build(AllowedOrigin(), http::status::conflict, "busy",
                                      ResponseStyle::ResumeRefusal());
  EXPECT_EQ(Field(response, http::field::server), "hubgate");
  EXPECT_EQ(Field(response, http::field::content_type), "<none>");
  EXPECT_EQ(Field(response, http::field::cache_control), "<none>");
  EXPECT_EQ(Field(response, http::field::connection), "<none>");
  EXPECT_EQ(Field(response, "Access-Control-Allow-Origin"), "<none>");
  EXPECT_EQ(response.body(), "busy");
}

}  // namespace
}  // namespace hubgate::gateway
