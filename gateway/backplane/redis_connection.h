#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "gateway/backplane/redis_reply.h"
#include "gateway/backplane/redis_reply_reader.h"
#include "gateway/ops/net.h"

namespace hubgate::gateway {

struct RedisConnectionOptions {
  std::string host;
  uint16_t port = 6379;
  std::string user;      // AUTH user (ACL); empty: AUTH with the password alone
  std::string password;  // empty: no AUTH
  // Resolving, connecting and the AUTH reply together.
  std::chrono::milliseconds connect_timeout{2000};
  // While replies are awaited, at least one must arrive per reply_timeout, else the connection
  // is dropped as lost (a stalled server is found within twice this).
  std::chrono::milliseconds reply_timeout{5000};
  // Encoded commands not yet written to the socket; a command past it fails (ResourceExhausted).
  size_t max_outgoing_bytes = 16 << 20;
  // Commands sent and awaiting their reply; a command past it fails (ResourceExhausted).
  size_t max_pending_replies = 100000;
  // Bytes held for one unfinished reply; a server sending more is dropped.
  size_t max_reply_bytes = 64 << 20;
};

// One TCP connection to one Redis node, speaking RESP2 over our own Asio socket (hiredis only
// encodes and parses). Commands are pipelined: each reply goes to the oldest waiting callback.
// Pub/sub pushes (message, smessage, and the subscribe/unsubscribe confirmations) go to the push
// callback instead; a confirmation also completes the subscription command that asked for it.
//
// Threading: every method, and every callback, runs on the thread running the io_context given
// to Create. Callbacks for failures found inside a call are posted, never run inside the call.
// Lifetime: held by shared_ptr; pending operations keep it alive until Close.
// No reconnect here: once closed (by Close or by loss), a connection stays closed.
class RedisConnection : public std::enable_shared_from_this<RedisConnection> {
 public:
  using ReplyCallback = absl::AnyInvocable<void(absl::StatusOr<RedisReply>)>;
  using PushCallback = absl::AnyInvocable<void(const RedisReply&)>;
  using StatusCallback = absl::AnyInvocable<void(absl::Status)>;

  static std::shared_ptr<RedisConnection> Create(net::io_context& io_context,
                                                 RedisConnectionOptions options);

  // Pub/sub pushes. Set before Connect.
  void SetPushCallback(PushCallback callback) { push_callback_ = std::move(callback); }
  // Fires once when an open connection is lost (Unavailable naming the node and the cause), not
  // on Close. Every waiting reply callback has failed with the same status before it runs.
  void SetClosedCallback(StatusCallback callback) { closed_callback_ = std::move(callback); }

  // Resolves, connects within connect_timeout, sends AUTH when a password is set; done gets OK,
  // or Unavailable / the AUTH error. Call once.
  void Connect(StatusCallback done);

  // Queues one command; on_reply gets its reply (an error reply is a reply, not a status), or
  // Unavailable when the connection is not open or is lost, or ResourceExhausted past a bound.
  void Send(std::span<const std::string_view> args, ReplyCallback on_reply);
  void Send(std::initializer_list<std::string_view> args, ReplyCallback on_reply);
  // A SUBSCRIBE/SSUBSCRIBE/UNSUBSCRIBE/SUNSUBSCRIBE for one channel: on_reply gets the
  // confirmation push (which the push callback sees as well), or the error reply.
  void SendSubscription(std::string_view command, std::string_view channel,
                        ReplyCallback on_reply);

  // Closes the socket; every waiting callback fails with Unavailable. The closed callback
  // does not fire.
  void Close();

  bool is_open() const { return state_ == State::kOpen; }
  const std::string& address() const { return address_; }
  size_t pending_replies() const { return waiting_.size(); }

  RedisConnection(net::io_context& io_context, RedisConnectionOptions options);

 private:
  enum class State { kIdle, kConnecting, kOpen, kClosed };
  struct Waiting {
    ReplyCallback on_reply;
    std::string confirmation;  // lowercase push kind that answers it ("ssubscribe"), or empty
    std::string channel;
  };

  void OnConnected(StatusCallback done);
  void FailConnect(std::string_view what, error_code ec, StatusCallback done);
  void Enqueue(std::string encoded, Waiting waiting);
  void StartWrite();
  void ArmReplyWatchdog();
  void StartRead();
  void OnReply(RedisReply reply);
  void Fail(absl::Status reason, bool notify);
  void FailSoon(ReplyCallback on_reply, absl::Status status);

  net::io_context& io_context_;
  RedisConnectionOptions options_;
  std::string address_;  // host:port, for messages
  tcp::resolver resolver_;
  tcp::socket socket_;
  net::steady_timer connect_timer_;
  net::steady_timer reply_timer_;
  State state_ = State::kIdle;
  bool handshake_done_ = false;
  bool watchdog_armed_ = false;
  uint64_t replies_received_ = 0;
  uint64_t replies_at_arming_ = 0;
  RedisReplyReader reader_;
  std::string read_buffer_;
  std::string queued_;   // encoded commands waiting for the write in flight
  std::string writing_;  // the bytes of the write in flight
  std::deque<Waiting> waiting_;
  PushCallback push_callback_;
  StatusCallback closed_callback_;
};

using RedisConnectionPtr = std::shared_ptr<RedisConnection>;

}  // namespace hubgate::gateway
