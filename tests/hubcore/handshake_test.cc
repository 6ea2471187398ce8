#include "hubcore/handshake.h"

#include <string>

#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "hubcore/hub_errors.h"

namespace hubgate::hubcore {
namespace {

using Supported = Handshake::SupportedProtocols;

HandshakeRequest MustParse(std::string_view record, Supported supported = {}) {
  absl::StatusOr<HandshakeRequest> request = Handshake::ParseRequest(record, supported);
  EXPECT_TRUE(request.ok()) << record << ": " << request.status();
  return request.ok() ? *request : HandshakeRequest{};
}

std::string ErrorOf(std::string_view record, Supported supported = {}) {
  absl::StatusOr<HandshakeRequest> request = Handshake::ParseRequest(record, supported);
  EXPECT_FALSE(request.ok()) << record;
  return request.ok() ? "" : std::string(request.status().message());
}

TEST(HandshakeTest, AcceptsJsonVersionOneAndTwo) {
  HandshakeRequest v1 = MustParse(R"({"protocol":"json","version":1})");
  EXPECT_EQ(v1.protocol, HubProtocol::kJson);
  EXPECT_EQ(v1.version, 1);
  EXPECT_EQ(MustParse(R"({"protocol":"json","version":2})").version, 2);
}

TEST(HandshakeTest, PropertyOrderAndUnknownPropertiesDoNotMatter) {
  EXPECT_EQ(MustParse(R"({"version":1,"protocol":"json"})").protocol, HubProtocol::kJson);
  EXPECT_EQ(MustParse(R"({"minorVersion":0,"protocol":"json","x":[1],"version":1})").version, 1);
}

TEST(HandshakeTest, RejectsVersionsAboveTheMaximum) {
  EXPECT_EQ(ErrorOf(R"({"protocol":"json","version":3})"),
            "The server does not support version 3 of the 'json' protocol.");
  EXPECT_EQ(ErrorOf(R"({"protocol":"messagepack","version":7})", Supported{true, true}),
            "The server does not support version 7 of the 'messagepack' protocol.");
}

TEST(HandshakeTest, MessagePackIsRefusedUnlessSupported) {
  // MessagePack on a text-only transport (Server-Sent Events): .NET's transfer-format text.
  EXPECT_EQ(ErrorOf(R"({"protocol":"messagepack","version":1})", Supported{true, false}),
            "Cannot use the 'messagepack' protocol on the current transport. The transport does "
            "not support 'Binary' transfer format.");
  HandshakeRequest request =
      MustParse(R"({"protocol":"messagepack","version":2})", Supported{true, true});
  EXPECT_EQ(request.protocol, HubProtocol::kMessagePack);
  EXPECT_EQ(request.version, 2);
}

TEST(HandshakeTest, JsonIsRefusedWhenDisabled) {
  EXPECT_EQ(ErrorOf(R"({"protocol":"json","version":1})", Supported{false, true}),
            "The protocol 'json' is not supported.");
}

TEST(HandshakeTest, ProtocolNamesCompareExactly) {
  EXPECT_EQ(ErrorOf(R"({"protocol":"JSON","version":1})"), "The protocol 'JSON' is not supported.");
  EXPECT_EQ(ErrorOf(R"({"protocol":"xml","version":1})"), "The protocol 'xml' is not supported.");
  EXPECT_EQ(ErrorOf(R"({"protocol":"","version":1})"), "The protocol '' is not supported.");
}

TEST(HandshakeTest, UnknownProtocolIsReportedBeforeTheVersion) {
  EXPECT_EQ(ErrorOf(R"({"protocol":"xml","version":9})"), "The protocol 'xml' is not supported.");
}

TEST(HandshakeTest, MalformedRequestsAreUnexpectedErrors) {
  for (std::string_view record :
       {"", "{", "[]", "null", "\"json\"", R"({"protocol":"json","version":1}x)",
        R"({"protocol":1,"version":1})", R"({"protocol":null,"version":1})",
        R"({"protocol":"json","version":"1"})", R"({"protocol":"json","version":1.0})",
        R"({"protocol":"json","version":null})", R"({"protocol":"json"})", R"({"version":1})",
        R"({"protocol":"json","version":18446744073709551615})"}) {
    EXPECT_EQ(ErrorOf(record), kHandshakeUnexpectedError) << record;
  }
}

TEST(HandshakeTest, SuccessResponse) { EXPECT_EQ(Handshake::SuccessResponse(), "{}\x1e"); }

TEST(HandshakeTest, ErrorResponse) {
  EXPECT_EQ(Handshake::ErrorResponse("The protocol 'xml' is not supported."),
            std::string(R"({"error":"The protocol 'xml' is not supported."})") + "\x1e");
}

TEST(HandshakeTest, ErrorResponseEscapesTheText) {
  const std::string text = "quote\" back\\ nl\n rs\x1e end";
  const std::string response = Handshake::ErrorResponse(text);
  ASSERT_EQ(response.find('\x1e'), response.size() - 1) << response;
  boost::system::error_code ec;
  boost::json::value json =
      boost::json::parse(std::string_view(response).substr(0, response.size() - 1), ec);
  ASSERT_FALSE(ec) << response;
  EXPECT_EQ(json.at("error").as_string(), text);
}

}  // namespace
}  // namespace hubgate::hubcore
