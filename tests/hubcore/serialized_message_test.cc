#include "hubcore/serialized_message.h"

#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

#include "hubcore/hub_message.h"

namespace hubgate::hubcore {
namespace {

HubMessage Hello() { return InvocationMessage{{}, std::nullopt, "Hello", {Value("world")}, {}}; }

TEST(SerializedMessageTest, EachProtocolGetsItsOwnEncoding) {
  const SerializedMessage message(Hello());
  const FrameConstSharedPtr& json = message.FrameFor(HubProtocol::kJson);
  const FrameConstSharedPtr& msgpack = message.FrameFor(HubProtocol::kMessagePack);
  ASSERT_NE(json, nullptr);
  ASSERT_NE(msgpack, nullptr);
  EXPECT_EQ(*json, *EncodeFrame(message.message(), HubProtocol::kJson));
  EXPECT_EQ(*msgpack, *EncodeFrame(message.message(), HubProtocol::kMessagePack));
  EXPECT_EQ(json->back(), '\x1e');  // the JSON record separator
  EXPECT_NE(*json, *msgpack);
}

TEST(SerializedMessageTest, EncodesEachProtocolOnceAndSharesTheBytes) {
  const SerializedMessage message(Hello());
  const FrameConstSharedPtr first = message.FrameFor(HubProtocol::kJson);
  const FrameConstSharedPtr second = message.FrameFor(HubProtocol::kJson);
  EXPECT_EQ(first.get(), second.get()) << "the same frame, not an equal copy";
  // The other protocol's slot is independent and also built once.
  EXPECT_EQ(message.FrameFor(HubProtocol::kMessagePack).get(),
            message.FrameFor(HubProtocol::kMessagePack).get());
}

TEST(SerializedMessageTest, ThreadsAskingAtOnceGetTheOneFrame) {
  // Workers fan one message out concurrently: whichever asks first encodes, all share it.
  for (int round = 0; round < 20; ++round) {
    const auto message = std::make_shared<const SerializedMessage>(Hello());
    constexpr int kThreads = 8;
    std::vector<const Frame*> json(kThreads);
    std::vector<const Frame*> msgpack(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        json[t] = message->FrameFor(HubProtocol::kJson).get();
        msgpack[t] = message->FrameFor(HubProtocol::kMessagePack).get();
      });
    }
    for (auto& thread : threads) thread.join();
    for (int t = 0; t < kThreads; ++t) {
      EXPECT_EQ(json[t], json[0]);
      EXPECT_EQ(msgpack[t], msgpack[0]);
    }
    EXPECT_NE(json[0], msgpack[0]);
  }
}

}  // namespace
}  // namespace hubgate::hubcore
