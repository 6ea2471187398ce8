#include "cli/protoc_gen_hubgate/runtime/wire_names.h"

#include "everything.pb.h"
#include "gtest/gtest.h"

namespace hubgate::typed {
namespace {

const google::protobuf::FieldDescriptor& Field(const char* name) {
  return *typedtest::v1::Everything::descriptor()->FindFieldByName(name);
}

TEST(WireNamesTest, PascalCaseFollowsProtobufsCSharpPropertyNames) {
  EXPECT_EQ(PascalCaseName("ward_id"), "WardId");
  EXPECT_EQ(PascalCaseName("value2x"), "Value2X");
  EXPECT_EQ(PascalCaseName("inr"), "Inr");
}

TEST(WireNamesTest, CamelCaseNamingUsesJsonNamesAndCSharpNamesForMessagePack) {
  EXPECT_EQ(JsonPropertyName(Field("addresses_by_name"), v1::CAMEL_CASE), "addressesByName");
  EXPECT_EQ(MessagePackPropertyName(Field("addresses_by_name"), v1::CAMEL_CASE),
            "AddressesByName");
}

TEST(WireNamesTest, ProtoNamesKeepTheFieldNameInBothProtocols) {
  EXPECT_EQ(JsonPropertyName(Field("addresses_by_name"), v1::PROTO_NAMES), "addresses_by_name");
  EXPECT_EQ(MessagePackPropertyName(Field("addresses_by_name"), v1::PROTO_NAMES),
            "addresses_by_name");
}

TEST(WireNamesTest, AnExplicitJsonNameIsUsedInBothProtocolsUnderEitherNaming) {
  for (v1::WireNaming naming : {v1::CAMEL_CASE, v1::PROTO_NAMES}) {
    EXPECT_EQ(JsonPropertyName(Field("ward_id"), naming), "ward");
    EXPECT_EQ(MessagePackPropertyName(Field("ward_id"), naming), "ward");
  }
}

TEST(WireNamesTest, EnumMembersLoseTheEnumPrefixAndArePascalCased) {
  const google::protobuf::EnumDescriptor& severity = *typedtest::v1::Severity_descriptor();
  EXPECT_EQ(EnumMemberName(*severity.FindValueByName("SEVERITY_UNSPECIFIED")), "Unspecified");
  EXPECT_EQ(EnumMemberName(*severity.FindValueByName("SEVERITY_HIGH_RISK")), "HighRisk");
}

}  // namespace
}  // namespace hubgate::typed
