#include "gateway/backplane/redis_connection.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gateway/backplane/redis_command.h"
#include "hubcore/check.h"

namespace hubgate::gateway {
namespace {

constexpr size_t kReadChunkBytes = 16 * 1024;

// The push kinds RESP2 sends on a subscribed connection: [kind, channel, payload-or-count].
bool IsPushKind(std::string_view kind) {
  return kind == "message" || kind == "smessage" || kind == "pmessage" || kind == "subscribe" ||
         kind == "ssubscribe" || kind == "psubscribe" || kind == "unsubscribe" ||
         kind == "sunsubscribe" || kind == "punsubscribe";
}

bool IsPush(const RedisReply& reply) {
  return reply.is_array() && reply.elements().size() >= 3 &&
         reply.elements()[0].type() == RedisReply::Type::kString &&
         IsPushKind(reply.elements()[0].str());
}

}  // namespace

std::shared_ptr<RedisConnection> RedisConnection::Create(net::io_context& io_context,
                                                         RedisConnectionOptions options) {
  return std::make_shared<RedisConnection>(io_context, std::move(options));
}

RedisConnection::RedisConnection(net::io_context& io_context, RedisConnectionOptions options)
    : io_context_(io_context),
      options_(std::move(options)),
      address_(absl::StrCat(options_.host, ":", options_.port)),
      resolver_(io_context),
      socket_(io_context),
      connect_timer_(io_context),
      reply_timer_(io_context),
      reader_(options_.max_reply_bytes) {}

void RedisConnection::Connect(StatusCallback done) {
  HUBGATE_CHECK(state_ == State::kIdle, "RedisConnection::Connect called twice");
  state_ = State::kConnecting;
  auto self = shared_from_this();
  connect_timer_.expires_after(options_.connect_timeout);
  // The timeout covers the whole handshake: resolving, connecting and the AUTH reply.
  connect_timer_.async_wait([self](error_code ec) {
    if (ec || self->handshake_done_) {
      return;
    }
    if (self->state_ == State::kConnecting) {
      self->resolver_.cancel();
      error_code ignored;
      self->socket_.close(ignored);  // the connect completes with operation_aborted
    } else if (self->state_ == State::kOpen) {
      // Fails the waiting AUTH callback, which reports it to Connect's caller.
      self->Fail(absl::UnavailableError(absl::StrCat("Redis node ", self->address_,
                                                     " did not answer AUTH in time")),
                 false);
    }
  });
  resolver_.async_resolve(
      options_.host, std::to_string(options_.port),
      [self, done = std::move(done)](error_code ec, tcp::resolver::results_type results) mutable {
        if (ec || self->state_ != State::kConnecting) {
          self->FailConnect("cannot resolve", ec, std::move(done));
          return;
        }
        net::async_connect(
            self->socket_, results,
            [self, done = std::move(done)](error_code ec, const tcp::endpoint&) mutable {
              if (ec || self->state_ != State::kConnecting) {
                self->FailConnect("cannot connect to", ec, std::move(done));
                return;
              }
              self->OnConnected(std::move(done));
            });
      });
}

void RedisConnection::FailConnect(std::string_view what, error_code ec, StatusCallback done) {
  bool timed_out = connect_timer_.expiry() <= net::steady_timer::clock_type::now();
  std::string why = state_ == State::kClosed ? "closed"
                    : timed_out              ? "timed out"
                                             : ec.message();
  absl::Status status = absl::UnavailableError(
      absl::StrCat(std::string(what), " Redis node ", address_, ": ", why));
  connect_timer_.cancel();
  Fail(status, false);
  done(std::move(status));
}

void RedisConnection::OnConnected(StatusCallback done) {
  error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  // Finds a peer that vanished without a FIN on an idle subscriber connection, eventually.
  socket_.set_option(net::socket_base::keep_alive(true), ignored);
  state_ = State::kOpen;
  StartRead();
  if (options_.password.empty()) {
    handshake_done_ = true;
    connect_timer_.cancel();
    done(absl::OkStatus());
    return;
  }
  // Weak: this callback is stored inside the connection.
  auto on_auth = [weak = weak_from_this(),
                  done = std::move(done)](absl::StatusOr<RedisReply> reply) mutable {
    auto self = weak.lock();
    if (!reply.ok() || !self) {
      done(reply.ok() ? absl::UnavailableError("Redis connection gone") : reply.status());
      return;
    }
    self->handshake_done_ = true;
    self->connect_timer_.cancel();
    if (reply->is_error()) {
      absl::Status status = absl::PermissionDeniedError(
          absl::StrCat("Redis node ", self->address_, " refused AUTH: ", reply->str()));
      self->Close();
      done(status);
    } else {
      done(absl::OkStatus());
    }
  };
  if (options_.user.empty()) {
    Send({"AUTH", options_.password}, std::move(on_auth));
  } else {
    Send({"AUTH", options_.user, options_.password}, std::move(on_auth));
  }
}

void RedisConnection::Send(std::span<const std::string_view> args, ReplyCallback on_reply) {
  Enqueue(EncodeRedisCommand(args), Waiting{std::move(on_reply), {}, {}});
}

void RedisConnection::Send(std::initializer_list<std::string_view> args, ReplyCallback on_reply) {
  Send(std::span<const std::string_view>(args.begin(), args.size()), std::move(on_reply));
}

void RedisConnection::SendSubscription(std::string_view command, std::string_view channel,
                                       ReplyCallback on_reply) {
  Enqueue(EncodeRedisCommand({command, channel}),
          Waiting{std::move(on_reply), absl::AsciiStrToLower(std::string(command)),
                  std::string(channel)});
}

void RedisConnection::Enqueue(std::string encoded, Waiting waiting) {
  if (state_ != State::kOpen) {
    FailSoon(std::move(waiting.on_reply),
             absl::UnavailableError(absl::StrCat("Redis node ", address_, " is not connected")));
    return;
  }
  if (queued_.size() + writing_.size() + encoded.size() > options_.max_outgoing_bytes) {
    FailSoon(std::move(waiting.on_reply),
             absl::ResourceExhaustedError(absl::StrCat(
                 "outgoing buffer to Redis node ", address_, " is full (",
                 options_.max_outgoing_bytes, " bytes)")));
    return;
  }
  if (waiting_.size() >= options_.max_pending_replies) {
    FailSoon(std::move(waiting.on_reply),
             absl::ResourceExhaustedError(absl::StrCat(
                 options_.max_pending_replies, " commands to Redis node ", address_,
                 " are already awaiting their replies")));
    return;
  }
  queued_ += encoded;
  waiting_.push_back(std::move(waiting));
  StartWrite();
  ArmReplyWatchdog();
}

// While replies are awaited, each reply_timeout must see at least one arrive; a server that
// stops answering (but keeps the socket open) is dropped, failing every waiting callback.
void RedisConnection::ArmReplyWatchdog() {
  if (watchdog_armed_ || waiting_.empty()) {
    return;
  }
  watchdog_armed_ = true;
  replies_at_arming_ = replies_received_;
  reply_timer_.expires_after(options_.reply_timeout);
  reply_timer_.async_wait([self = shared_from_this()](error_code ec) {
    self->watchdog_armed_ = false;
    if (ec || self->state_ != State::kOpen || self->waiting_.empty()) {
      return;
    }
    if (self->replies_received_ == self->replies_at_arming_) {
      self->Fail(absl::UnavailableError(absl::StrCat(
                     "dropped Redis node ", self->address_, ": no reply within ",
                     self->options_.reply_timeout.count(), " ms")),
                 true);
      return;
    }
    self->ArmReplyWatchdog();
  });
}

void RedisConnection::StartWrite() {
  if (!writing_.empty() || queued_.empty()) {
    return;
  }
  std::swap(writing_, queued_);
  net::async_write(socket_, net::buffer(writing_),
                   [self = shared_from_this()](error_code ec, size_t) {
                     if (self->state_ != State::kOpen) {
                       return;
                     }
                     if (ec) {
                       self->Fail(absl::UnavailableError(absl::StrCat(
                                      "lost Redis node ", self->address_, ": ", ec.message())),
                                  true);
                       return;
                     }
                     self->writing_.clear();
                     self->StartWrite();
                   });
}

void RedisConnection::StartRead() {
  read_buffer_.resize(kReadChunkBytes);
  socket_.async_read_some(
      net::buffer(read_buffer_), [self = shared_from_this()](error_code ec, size_t bytes) {
        if (self->state_ != State::kOpen) {
          return;
        }
        if (ec) {
          std::string why =
              ec == net::error::eof ? "connection closed by the server" : ec.message();
          self->Fail(absl::UnavailableError(
                         absl::StrCat("lost Redis node ", self->address_, ": ", why)),
                     true);
          return;
        }
        absl::Status fed = self->reader_.Feed(std::string_view(self->read_buffer_.data(), bytes));
        while (fed.ok() && self->state_ == State::kOpen) {
          absl::StatusOr<std::optional<RedisReply>> reply = self->reader_.Next();
          if (!reply.ok()) {
            fed = reply.status();
          } else if (!reply->has_value()) {
            break;
          } else {
            self->OnReply(std::move(**reply));
          }
        }
        if (!fed.ok()) {
          self->Fail(absl::UnavailableError(absl::StrCat("dropped Redis node ", self->address_,
                                                         ": ", fed.message())),
                     true);
          return;
        }
        if (self->state_ == State::kOpen) {
          self->StartRead();
        }
      });
}

void RedisConnection::OnReply(RedisReply reply) {
  ++replies_received_;
  // A regular command at the head owns the next reply, whatever its shape.
  bool head_is_regular = !waiting_.empty() && waiting_.front().confirmation.empty();
  if (!head_is_regular && IsPush(reply)) {
    const std::string& kind = reply.elements()[0].str();
    bool confirms_head = !waiting_.empty() && waiting_.front().confirmation == kind &&
                         reply.elements()[1].IsText(waiting_.front().channel);
    if (push_callback_) {
      push_callback_(reply);
    }
    if (confirms_head && state_ == State::kOpen) {
      Waiting head = std::move(waiting_.front());
      waiting_.pop_front();
      head.on_reply(std::move(reply));
    }
    return;
  }
  if (waiting_.empty()) {
    Fail(absl::UnavailableError(absl::StrCat("dropped Redis node ", address_,
                                             ": a reply nobody asked for: ",
                                             reply.DebugString())),
         true);
    return;
  }
  Waiting head = std::move(waiting_.front());
  waiting_.pop_front();
  head.on_reply(std::move(reply));
}

void RedisConnection::Close() {
  Fail(absl::UnavailableError(absl::StrCat("connection to Redis node ", address_, " closed")),
       false);
}

void RedisConnection::Fail(absl::Status reason, bool notify) {
  if (state_ == State::kClosed) {
    return;
  }
  bool was_open = state_ == State::kOpen;
  state_ = State::kClosed;
  error_code ignored;
  connect_timer_.cancel();
  reply_timer_.cancel();
  resolver_.cancel();
  socket_.close(ignored);
  std::deque<Waiting> waiting = std::exchange(waiting_, {});
  for (Waiting& entry : waiting) {
    FailSoon(std::move(entry.on_reply), reason);
  }
  if (notify && was_open && closed_callback_) {
    // Posted after the failed replies, so the owner sees them fail first.
    net::post(io_context_, [self = shared_from_this(), reason] {
      if (self->closed_callback_) {
        auto callback = std::move(self->closed_callback_);
        callback(reason);
      }
    });
  }
}

void RedisConnection::FailSoon(ReplyCallback on_reply, absl::Status status) {
  net::post(io_context_, [on_reply = std::move(on_reply), status = std::move(status)]() mutable {
    on_reply(std::move(status));
  });
}

}  // namespace hubgate::gateway
