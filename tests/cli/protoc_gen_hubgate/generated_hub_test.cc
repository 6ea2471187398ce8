// The C++ generated for contracts/everything.proto, served over a real gRPC server on a free
// loopback port and called as the gateway calls a backend's HubHandler.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "everything.hubgate.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace typedtest::v1 {
namespace {

using hubgate::typed::HubCall;
using hubgate::typed::Reply;
using hubgate::typed::StreamWriter;

class TestHub final : public EverythingHubBase {
 public:
  void SendComment(const HubCall& call, int32_t post_id, const std::string& content,
                   Reply<google::protobuf::Empty> reply) override {
    absl::MutexLock lock(&mu_);
    comments_.push_back(call.user_id() + ":" + std::to_string(post_id) + ":" + content);
    reply.Return();
  }
  void Echo(const HubCall& /*call*/, const Everything& everything,
            Reply<Everything> reply) override {
    reply.Return(everything);
  }
  void CountComments(const HubCall& /*call*/, Reply<CommentCount> reply) override {
    CommentCount count;
    count.set_count(7);
    reply.Return(count);
  }
  void Check(const HubCall& /*call*/, std::optional<int64_t> maybe,
             const google::protobuf::Timestamp& since, const std::string& payload,
             Severity severity, const Address* address,
             const google::protobuf::RepeatedField<int32_t>& numbers,
             Reply<Tags> reply) override {
    if (!maybe) {
      reply.HubError("maybe is required here");
      return;
    }
    Tags tags;
    tags.add_tags(std::to_string(*maybe));
    tags.add_tags(std::to_string(since.seconds()));
    tags.add_tags(payload);
    tags.add_tags(Severity_Name(severity));
    tags.add_tags(address == nullptr ? "no address" : address->street());
    tags.add_tags(std::to_string(numbers.size()));
    reply.Return(tags);
  }
  void StreamReadings(const HubCall& /*call*/, const std::string& patient_id, int32_t count,
                      StreamWriter<Reading> writer) override {
    for (int i = 0; i < count; ++i) {
      Reading reading;
      reading.set_value(i + 0.5);
      writer.Write(reading);
    }
    if (patient_id == "unknown") {
      writer.HubError("Patient unknown not found.");
    } else {
      writer.Complete();
    }
  }
  // Counts what arrives on both streams; answers when both ended.
  void RecordReadings(const HubCall& /*call*/, hubgate::typed::StreamReader<Reading> readings,
                      const std::string& patient_id, hubgate::typed::StreamReader<Address> notes,
                      Reply<CommentCount> reply) override {
    struct Tally {
      explicit Tally(Reply<CommentCount> r) : reply(std::move(r)) {}
      absl::Mutex mu;
      int items ABSL_GUARDED_BY(mu) = 0;
      int ended ABSL_GUARDED_BY(mu) = 0;
      std::string log ABSL_GUARDED_BY(mu);
      Reply<CommentCount> reply;
    };
    auto tally = std::make_shared<Tally>(std::move(reply));
    auto on_end = [tally, patient_id](const std::optional<std::string>& error) {
      absl::MutexLock lock(&tally->mu);
      absl::StrAppend(&tally->log, error ? *error : "end", ";");
      if (++tally->ended == 2) {
        CommentCount count;
        count.set_count(tally->items);
        if (patient_id == "p-1") {
          tally->reply.Return(count);
        } else {
          tally->reply.HubError(tally->log);
        }
      }
    };
    readings.Read(
        [tally](const Reading& reading) {
          absl::MutexLock lock(&tally->mu);
          ++tally->items;
          absl::StrAppend(&tally->log, reading.value(), ";");
        },
        on_end);
    notes.Read(
        [tally](const Address& address) {
          absl::MutexLock lock(&tally->mu);
          ++tally->items;
          absl::StrAppend(&tally->log, address.street(), ";");
        },
        on_end);
  }
  std::string OnClientConnected(const HubCall& call) override {
    return call.user_id().empty() ? "Unauthenticated." : "";
  }
  void OnBindingError(const HubCall& /*call*/, const absl::Status& detail) override {
    absl::MutexLock lock(&mu_);
    binding_errors_.push_back(std::string(detail.message()));
  }

  std::vector<std::string> comments() {
    absl::MutexLock lock(&mu_);
    return comments_;
  }
  std::vector<std::string> binding_errors() {
    absl::MutexLock lock(&mu_);
    return binding_errors_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> comments_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> binding_errors_ ABSL_GUARDED_BY(mu_);
};

hubgate::v1::Value Int(int64_t value) {
  hubgate::v1::Value result;
  result.set_int_value(value);
  return result;
}

hubgate::v1::Value Text(std::string text) {
  hubgate::v1::Value result;
  result.set_string_value(std::move(text));
  return result;
}

class GeneratedHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&hub_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = hubgate::v1::HubHandler::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }
  void TearDown() override { server_->Shutdown(); }

  hubgate::v1::InvokeRequest Request(const std::string& method,
                                     std::vector<hubgate::v1::Value> arguments) {
    hubgate::v1::InvokeRequest request;
    request.set_method(method);
    request.set_invocation_id("1");
    request.mutable_context()->set_user_id("alice");
    for (hubgate::v1::Value& argument : arguments) {
      *request.add_arguments() = std::move(argument);
    }
    return request;
  }

  hubgate::v1::InvokeResponse Invoke(const hubgate::v1::InvokeRequest& request,
                                     grpc::Status* status_out = nullptr) {
    grpc::ClientContext context;
    hubgate::v1::InvokeResponse response;
    grpc::Status status = stub_->Invoke(&context, request, &response);
    if (status_out != nullptr) {
      *status_out = status;
    } else {
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    return response;
  }

  std::vector<hubgate::v1::StreamInvokeResponse> Stream(const hubgate::v1::InvokeRequest& request,
                                                        grpc::Status& status) {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientReader<hubgate::v1::StreamInvokeResponse>> reader =
        stub_->StreamInvoke(&context, request);
    std::vector<hubgate::v1::StreamInvokeResponse> responses;
    hubgate::v1::StreamInvokeResponse response;
    while (reader->Read(&response)) {
      responses.push_back(response);
    }
    status = reader->Finish();
    return responses;
  }

  TestHub hub_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<hubgate::v1::HubHandler::Stub> stub_;
};

TEST_F(GeneratedHubTest, DescribeListsEveryHubMethodUnderItsWireNameAndKind) {
  grpc::ClientContext context;
  hubgate::v1::HubDescription description;
  ASSERT_TRUE(stub_->Describe(&context, hubgate::v1::DescribeRequest(), &description).ok());
  std::vector<std::string> methods;
  for (const hubgate::v1::MethodDescription& method : description.methods()) {
    methods.push_back(method.name() + "/" +
                      hubgate::v1::MethodDescription::Kind_Name(method.kind()));
  }
  EXPECT_EQ(methods, (std::vector<std::string>{"SendComment/KIND_INVOKE", "Echo/KIND_INVOKE",
                                               "CountComments/KIND_INVOKE",
                                               "CheckProbe/KIND_INVOKE",
                                               "StreamReadings/KIND_STREAM",
                                               "RecordReadings/KIND_INVOKE"}));
}

TEST_F(GeneratedHubTest, ScalarParametersReachTheTypedMethod) {
  const hubgate::v1::InvokeResponse response =
      Invoke(Request("SendComment", {Int(42), Text("hello")}));
  EXPECT_EQ(response.outcome_case(), hubgate::v1::InvokeResponse::OUTCOME_NOT_SET);  // void
  EXPECT_EQ(hub_.comments(), std::vector<std::string>{"alice:42:hello"});
}

TEST_F(GeneratedHubTest, MethodNamesMatchCaseInsensitively) {
  Invoke(Request("sendcomment", {Int(1), Text("x")}));
  EXPECT_EQ(hub_.comments().size(), 1u);
}

TEST_F(GeneratedHubTest, AWrongArgumentCountIsAspNetsBindingError) {
  const hubgate::v1::InvokeResponse response = Invoke(Request("SendComment", {Int(42)}));
  EXPECT_EQ(response.error().type(), "InvalidDataException");
  EXPECT_EQ(response.error().message(), "Invocation provides 1 argument(s) but target expects 2.");
  EXPECT_TRUE(hub_.comments().empty());
}

TEST_F(GeneratedHubTest, AWrongArgumentTypeIsAspNetsBindingErrorWithTheDetailForTheBackend) {
  const hubgate::v1::InvokeResponse response =
      Invoke(Request("SendComment", {Text("42"), Text("hello")}));
  EXPECT_EQ(response.error().type(), "InvalidDataException");
  EXPECT_EQ(response.error().message(),
            "Error binding arguments. Make sure that the types of the provided values match the "
            "types of the hub method being invoked.");
  EXPECT_EQ(hub_.binding_errors(),
            std::vector<std::string>{
                "argument 1 (postId): expected an integer in the range of int32, got a string"});
}

TEST_F(GeneratedHubTest, ADtoRoundTripsAsOneObjectArgument) {
  Everything everything;
  everything.set_big(-9007199254740993);
  everything.mutable_address()->set_street("Main");
  everything.add_tags("t");
  everything.mutable_at()->set_seconds(1);  // unset, it would come back as default(DateTime)
  const hubgate::v1::InvokeResponse response =
      Invoke(Request("Echo", hubgate::typed::EncodeArguments(everything, hubgate::v1::OBJECT,
                                                             hubgate::v1::CAMEL_CASE)));
  Everything echoed;
  ASSERT_TRUE(hubgate::typed::DecodeMessage(response.result(), echoed).ok());
  EXPECT_EQ(echoed.DebugString(), everything.DebugString());
}

TEST_F(GeneratedHubTest, AResultFieldIsReturnedBare) {
  EXPECT_EQ(Invoke(Request("CountComments", {})).result().int_value(), 7);
}

TEST_F(GeneratedHubTest, NullablesTimestampsBytesEnumsAndListsAreTyped) {
  hubgate::v1::Value address;
  (*address.mutable_map_value()->mutable_fields())["Street"] = Text("Elm");  // MessagePack name
  hubgate::v1::Value numbers;
  *numbers.mutable_list_value()->add_values() = Int(1);
  const hubgate::v1::InvokeResponse response = Invoke(Request(
      "CheckProbe",
      {Int(5), Text("1970-01-01T00:01:00Z"), Text("aGk="), Text("Low"), address, numbers}));
  std::vector<std::string> tags;
  for (const hubgate::v1::Value& tag : response.result().list_value().values()) {
    tags.push_back(tag.string_value());
  }
  EXPECT_EQ(tags, (std::vector<std::string>{"5", "60", "hi", "SEVERITY_LOW", "Elm", "1"}));
}

TEST_F(GeneratedHubTest, AHubErrorReachesTheClientAsAHubException) {
  hubgate::v1::Value null;
  null.set_null_value(google::protobuf::NULL_VALUE);
  hubgate::v1::Value empty_list;
  empty_list.mutable_list_value();
  const hubgate::v1::InvokeResponse response = Invoke(Request(
      "CheckProbe", {null, Text("1970-01-01T00:00:00Z"), Text(""), Int(0), null, empty_list}));
  EXPECT_EQ(response.error().type(), "");
  EXPECT_EQ(response.error().message(), "maybe is required here");
}

TEST_F(GeneratedHubTest, StreamItemsArriveInOrderThenTheStreamEnds) {
  grpc::Status status;
  const std::vector<hubgate::v1::StreamInvokeResponse> responses =
      Stream(Request("StreamReadings", {Text("p-1"), Int(3)}), status);
  EXPECT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(responses.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(responses[i].item().map_value().fields().at("value").double_value(), i + 0.5);
  }
}

TEST_F(GeneratedHubTest, AStreamCanEndWithAHubError) {
  grpc::Status status;
  const std::vector<hubgate::v1::StreamInvokeResponse> responses =
      Stream(Request("StreamReadings", {Text("unknown"), Int(1)}), status);
  EXPECT_TRUE(status.ok());
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[1].error().message(), "Patient unknown not found.");
}

TEST_F(GeneratedHubTest, AStreamWithBadArgumentsEndsWithTheBindingError) {
  grpc::Status status;
  const std::vector<hubgate::v1::StreamInvokeResponse> responses =
      Stream(Request("StreamReadings", {Text("p-1")}), status);
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].error().type(), "InvalidDataException");
  EXPECT_EQ(responses[0].error().message(),
            "Invocation provides 1 argument(s) but target expects 2.");
}

hubgate::v1::UploadMessage UploadItem(uint32_t stream, hubgate::v1::Value item) {
  hubgate::v1::UploadMessage message;
  message.mutable_item()->set_stream_index(stream);
  *message.mutable_item()->mutable_item() = std::move(item);
  return message;
}

hubgate::v1::UploadMessage UploadEnd(uint32_t stream, std::string error = "") {
  hubgate::v1::UploadMessage message;
  message.mutable_completion()->set_stream_index(stream);
  message.mutable_completion()->set_error(std::move(error));
  return message;
}

hubgate::v1::Value Object(const std::string& name, hubgate::v1::Value value) {
  hubgate::v1::Value object;
  (*object.mutable_map_value()->mutable_fields())[name] = std::move(value);
  return object;
}

TEST_F(GeneratedHubTest, DescribeCountsUploadStreams) {
  grpc::ClientContext context;
  hubgate::v1::HubDescription description;
  ASSERT_TRUE(stub_->Describe(&context, hubgate::v1::DescribeRequest(), &description).ok());
  ASSERT_EQ(description.methods_size(), 6);
  EXPECT_EQ(description.methods(5).name(), "RecordReadings");
  EXPECT_EQ(description.methods(5).upload_streams(), 2u);
}

TEST_F(GeneratedHubTest, UploadItemsReachTheirTypedStreamsInOrder) {
  grpc::ClientContext context;
  hubgate::v1::InvokeResponse response;
  std::unique_ptr<grpc::ClientWriter<hubgate::v1::UploadMessage>> writer =
      stub_->InvokeWithUploads(&context, &response);
  hubgate::v1::UploadMessage invocation;
  *invocation.mutable_invocation() = Request("RecordReadings", {Text("p-1")});
  ASSERT_TRUE(writer->Write(invocation));
  hubgate::v1::Value value;
  value.set_double_value(1.5);
  ASSERT_TRUE(writer->Write(UploadItem(0, Object("value", value))));
  ASSERT_TRUE(writer->Write(UploadItem(1, Object("Street", Text("Elm")))));  // MessagePack name
  ASSERT_TRUE(writer->Write(UploadItem(0, Object("value", Int(2)))));
  ASSERT_TRUE(writer->Write(UploadItem(7, Object("value", Int(3)))));  // no such stream: ignored
  ASSERT_TRUE(writer->Write(UploadEnd(0)));
  ASSERT_TRUE(writer->Write(UploadEnd(1)));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(response.result().int_value(), 3);
}

TEST_F(GeneratedHubTest, AClientStreamErrorReachesTheReader) {
  grpc::ClientContext context;
  hubgate::v1::InvokeResponse response;
  auto writer = stub_->InvokeWithUploads(&context, &response);
  hubgate::v1::UploadMessage invocation;
  *invocation.mutable_invocation() = Request("RecordReadings", {Text("p-2")});
  ASSERT_TRUE(writer->Write(invocation));
  ASSERT_TRUE(writer->Write(UploadEnd(1, "Error: gone")));
  ASSERT_TRUE(writer->Write(UploadEnd(0)));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(response.error().message(), "Error: gone;end;");
}

TEST_F(GeneratedHubTest, AnUploadItemOfTheWrongTypeFailsTheCallWithTheBindingError) {
  grpc::ClientContext context;
  hubgate::v1::InvokeResponse response;
  auto writer = stub_->InvokeWithUploads(&context, &response);
  hubgate::v1::UploadMessage invocation;
  *invocation.mutable_invocation() = Request("RecordReadings", {Text("p-1")});
  ASSERT_TRUE(writer->Write(invocation));
  writer->Write(UploadItem(0, Text("not a reading")));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(response.error().type(), "InvalidDataException");
  EXPECT_EQ(response.error().message(),
            "Error binding arguments. Make sure that the types of the provided values match the "
            "types of the hub method being invoked.");
}

TEST_F(GeneratedHubTest, UploadArgumentsCountWithoutTheStreams) {
  grpc::ClientContext context;
  hubgate::v1::InvokeResponse response;
  auto writer = stub_->InvokeWithUploads(&context, &response);
  hubgate::v1::UploadMessage invocation;
  *invocation.mutable_invocation() = Request("RecordReadings", {});
  ASSERT_TRUE(writer->Write(invocation));
  writer->WritesDone();
  ASSERT_TRUE(writer->Finish().ok());
  EXPECT_EQ(response.error().message(), "Invocation provides 0 argument(s) but target expects 1.");
}

TEST_F(GeneratedHubTest, UnknownMethodsFailAsUnimplemented) {
  grpc::Status status;
  Invoke(Request("NoSuchMethod", {}), &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  Stream(Request("SendComment", {}), status);  // not a stream method
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(GeneratedHubTest, OnClientConnectedCanRefuseAConnection) {
  grpc::ClientContext context;
  hubgate::v1::ConnectedRequest request;
  hubgate::v1::ConnectedResponse response;
  ASSERT_TRUE(stub_->OnConnected(&context, request, &response).ok());
  EXPECT_EQ(response.rejection(), "Unauthenticated.");
}

}  // namespace
}  // namespace typedtest::v1
