#include "hubcore/messagepack_hub_protocol.h"

#include <string>
#include <variant>

#include "hubcore/binary_message_reader.h"
#include "hubcore/messagepack_value_codec.h"

// Writing MessagePack hub messages exactly as .NET does (the reading side is
// messagepack_hub_protocol.cc).
namespace hubgate::hubcore {

namespace {

struct MessageWriter {
  MessagePackWriter* w;

  void WriteHeaders(const Headers& headers) const {
    w->MapHeader(headers.size());
    for (const auto& [name, value] : headers) {
      w->String(name);
      w->String(value);
    }
  }

  // .NET writes nil for an empty id.
  void OptionalString(const std::optional<std::string>& s) const {
    if (s.has_value() && !s->empty()) {
      w->String(*s);
    } else {
      w->Nil();
    }
  }

  template <typename Invocation>
  void InvocationTail(const Invocation& m) const {
    w->String(m.target);
    w->ArrayHeader(m.arguments.size());
    for (const Value& argument : m.arguments) {
      w->Write(argument);
    }
    w->ArrayHeader(m.stream_ids.size());
    for (const std::string& id : m.stream_ids) {
      w->String(id);
    }
  }

  void operator()(const InvocationMessage& m) const {
    w->ArrayHeader(6);
    w->Int(static_cast<int>(MessageType::kInvocation));
    WriteHeaders(m.headers);
    OptionalString(m.invocation_id);
    InvocationTail(m);
  }
  void operator()(const StreamInvocationMessage& m) const {
    w->ArrayHeader(6);
    w->Int(static_cast<int>(MessageType::kStreamInvocation));
    WriteHeaders(m.headers);
    w->String(m.invocation_id);
    InvocationTail(m);
  }
  void operator()(const StreamItemMessage& m) const {
    w->ArrayHeader(4);
    w->Int(static_cast<int>(MessageType::kStreamItem));
    WriteHeaders(m.headers);
    w->String(m.invocation_id);
    w->Write(m.item);
  }
  void operator()(const CompletionMessage& m) const {
    const int kind = m.error.has_value()    ? MessagePackHubProtocol::kErrorResult
                     : m.result.has_value() ? MessagePackHubProtocol::kNonVoidResult
                                            : MessagePackHubProtocol::kVoidResult;
    w->ArrayHeader(kind == MessagePackHubProtocol::kVoidResult ? 4 : 5);
    w->Int(static_cast<int>(MessageType::kCompletion));
    WriteHeaders(m.headers);
    w->String(m.invocation_id);
    w->Int(kind);
    if (kind == MessagePackHubProtocol::kErrorResult) {
      w->String(*m.error);
    } else if (kind == MessagePackHubProtocol::kNonVoidResult) {
      w->Write(*m.result);
    }
  }
  void operator()(const CancelInvocationMessage& m) const {
    w->ArrayHeader(3);
    w->Int(static_cast<int>(MessageType::kCancelInvocation));
    WriteHeaders(m.headers);
    w->String(m.invocation_id);
  }
  void operator()(const PingMessage&) const {
    w->ArrayHeader(1);
    w->Int(static_cast<int>(MessageType::kPing));
  }
  void operator()(const CloseMessage& m) const {
    w->ArrayHeader(3);
    w->Int(static_cast<int>(MessageType::kClose));
    OptionalString(m.error);
    w->Bool(m.allow_reconnect);
  }
  void operator()(const AckMessage& m) const {
    w->ArrayHeader(2);
    w->Int(static_cast<int>(MessageType::kAck));
    w->Int(m.sequence_id);
  }
  void operator()(const SequenceMessage& m) const {
    w->ArrayHeader(2);
    w->Int(static_cast<int>(MessageType::kSequence));
    w->Int(m.sequence_id);
  }
};

}  // namespace

void MessagePackHubProtocol::Write(const HubMessage& message, std::string* out) {
  // The prefix needs the payload size, so the payload is written first and the prefix (1 to 5
  // bytes) inserted in front of it.
  const size_t start = out->size();
  MessagePackWriter writer(out);
  std::visit(MessageWriter{&writer}, message);
  std::string prefix;
  AppendLengthPrefix(out->size() - start, &prefix);
  out->insert(start, prefix);
}

}  // namespace hubgate::hubcore
