#include "services/push_api_operation.h"

#include <gtest/gtest.h>

#include <string>

#include "google/protobuf/descriptor.h"
#include "hubcore/push_api_options.h"
#include "hubgate/v1/push.grpc.pb.h"

namespace hubgate::services {
namespace {

// Walks the proto service itself: a new RPC without an operation fails here before its
// handler can run unchecked (the authorizer would crash on it).
TEST(PushApiOperationTest, EveryMethodOfThePushServiceIsClassified) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          v1::Push::service_full_name());
  ASSERT_NE(service, nullptr);
  ASSERT_GT(service->method_count(), 0);
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string& name = service->method(i)->name();
    EXPECT_TRUE(ClassifyPushMethod(name).has_value()) << "unclassified Push method " << name;
  }
}

TEST(PushApiOperationTest, MethodsMapToTheDocumentedOperations) {
  EXPECT_EQ(ClassifyPushMethod("Send"), PushApiOperation::kSend);
  EXPECT_EQ(ClassifyPushMethod("AddToGroup"), PushApiOperation::kMembership);
  EXPECT_EQ(ClassifyPushMethod("RemoveFromGroup"), PushApiOperation::kMembership);
  EXPECT_EQ(ClassifyPushMethod("InvokeClient"), PushApiOperation::kClientResults);
  EXPECT_FALSE(ClassifyPushMethod("send").has_value());
  EXPECT_FALSE(ClassifyPushMethod("").has_value());
}

// The configuration validates names against hubcore's list; the authorizer parses them here.
TEST(PushApiOperationTest, ConfigurationNamesAndOperationsAgree) {
  ASSERT_EQ(std::size(kAllPushApiOperations), hubcore::kPushApiOperationNames.size());
  for (size_t i = 0; i < hubcore::kPushApiOperationNames.size(); ++i) {
    EXPECT_EQ(PushApiOperationName(kAllPushApiOperations[i]),
              hubcore::kPushApiOperationNames[i]);
    EXPECT_EQ(ParsePushApiOperation(hubcore::kPushApiOperationNames[i]),
              kAllPushApiOperations[i]);
  }
  EXPECT_FALSE(ParsePushApiOperation("admin").has_value());
}

}  // namespace
}  // namespace hubgate::services
