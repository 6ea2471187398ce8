#include "gateway/transports/sse_session.h"

#include <sstream>

#include "gateway/transports/buffer_list_view.h"
#include "spdlog/spdlog.h"

namespace hubgate::gateway {

namespace {
constexpr std::chrono::seconds kSendTimeout{10};  // as WebSocketSession
constexpr std::chrono::seconds kCloseTimeout{5};  // the client closes after the last chunk
// A comment line: browsers (Firefox) fire `open` only once some bytes of the body arrived.
constexpr std::string_view kOpenComment = ":\r\n";
constexpr std::string_view kDataPrefix = "data: ";
constexpr std::string_view kEventEnd = "\r\n\r\n";
constexpr std::string_view kCrLf = "\r\n";
}  // namespace

void AppendSseEvent(std::string_view payload, std::string& out) {
  while (!payload.empty()) {
    const size_t lf = payload.find('\n');
    std::string_view line = payload.substr(0, lf);
    if (lf != std::string_view::npos && line.size() > 1 && line.back() == '\r') {
      line.remove_suffix(1);
    }
    out.append(kDataPrefix).append(line).append(kCrLf);
    if (lf == std::string_view::npos) {
      break;
    }
    payload.remove_prefix(lf + 1);
    if (payload.empty()) {
      out.append(kDataPrefix).append(kCrLf);  // the payload ended with a line feed
    }
  }
  out.append(kCrLf);
}

SseSession::SseSession(ClientStream stream, Worker& worker, GatewayContext& context, Params params,
                       unsigned http_version)
    : HttpTransportSession(worker, context, std::move(params), TransportKind::kServerSentEvents),
      stream_(std::move(stream)),
      chunked_(http_version >= 11) {}

void SseSession::Run() {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  http::response<http::empty_body> response(http::status::ok, chunked_ ? 11 : 10);
  response.set(http::field::server, "hubgate");
  response.set(http::field::content_type, "text/event-stream");
  response.set(http::field::cache_control, "no-cache,no-store");
  response.set(http::field::pragma, "no-cache");
  response.set(http::field::content_encoding, "identity");
  for (const auto& [name, value] : response_headers()) {
    response.set(name, value);
  }
  if (chunked_) {
    response.chunked(true);
  } else {
    response.keep_alive(false);  // HTTP/1.0: the body ends with the connection
  }
  std::ostringstream header;
  header << response.base();
  head_ = header.str();
  Open();
  writing_ = true;
  write_started_ = std::chrono::steady_clock::now();
  auto on_write = [self = shared_from_this(), this](error_code ec, size_t) { OnWrite(ec); };
  if (chunked_) {
    const auto first_chunk = http::make_chunk(net::buffer(kOpenComment));
    net::async_write(stream_, beast::buffers_cat(net::buffer(head_), first_chunk),
                     std::move(on_write));
  } else {
    net::async_write(stream_, beast::buffers_cat(net::buffer(head_), net::buffer(kOpenComment)),
                     std::move(on_write));
  }
  DoRead();
}

void SseSession::DoRead() {
  // Nothing is expected from the client on this request; a read ending means it went away.
  stream_.async_read_some(net::buffer(read_buffer_),
                          [self = shared_from_this(), this](error_code ec, size_t bytes) {
                            OnRead(ec, bytes);
                          });
}

void SseSession::OnRead(error_code ec, size_t) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  if (torn_down()) {
    return;
  }
  if (ec) {
    Teardown(ec == net::error::eof || close_requested() ? "" : ec.message());
    return;
  }
  DoRead();
}

void SseSession::OnQueued() {
  if (!writing_) {
    DoWrite();
  }
}

void SseSession::DoWrite() {
  in_flight_.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
  queue_.clear();
  in_flight_bytes_ = 0;
  bool multiline = false;
  for (const auto& frame : in_flight_) {
    in_flight_bytes_ += frame->size();
    multiline = multiline || frame->find('\n') != std::string::npos;
  }
  write_buffers_.clear();
  if (multiline) {
    // Rare (JSON output escapes line feeds): format a copy.
    std::string payload;
    payload.reserve(in_flight_bytes_);
    for (const auto& frame : in_flight_) {
      payload.append(*frame);
    }
    head_.clear();
    AppendSseEvent(payload, head_);
    write_buffers_.emplace_back(head_.data(), head_.size());
  } else {
    // "data: " + the frames + "\r\n\r\n", without copying the frames.
    write_buffers_.emplace_back(kDataPrefix.data(), kDataPrefix.size());
    for (const auto& frame : in_flight_) {
      write_buffers_.emplace_back(frame->data(), frame->size());
    }
    write_buffers_.emplace_back(kEventEnd.data(), kEventEnd.size());
  }
  writing_ = true;
  write_started_ = std::chrono::steady_clock::now();
  const net::const_buffer* first = write_buffers_.data();
  const BufferListView event{first, first + write_buffers_.size()};
  auto on_write = [self = shared_from_this(), this](error_code ec, size_t) { OnWrite(ec); };
  if (chunked_) {
    // One chunk per event: its size line, the event, CRLF.
    net::async_write(stream_, http::make_chunk(event), std::move(on_write));
  } else {
    net::async_write(stream_, event, std::move(on_write));
  }
}

void SseSession::OnWrite(error_code ec) {
  HUBGATE_CHECK(worker_.IsCurrentThread(), kOffOwningWorker);
  writing_ = false;
  if (torn_down()) {
    in_flight_.clear();
    write_buffers_.clear();
    return;
  }
  if (!in_flight_.empty()) {
    ReleaseSent(in_flight_bytes_);
    if (!ec) {
      CountSent(in_flight_.size(), in_flight_bytes_);
    }
    in_flight_.clear();
    in_flight_bytes_ = 0;
  }
  write_buffers_.clear();
  if (ec) {
    Abort(ec.message());
    return;
  }
  if (!queue_.empty()) {
    DoWrite();
  } else if (close_requested()) {
    Finish();
  }
}

void SseSession::CloseAfterQueued() {
  close_started_ = std::chrono::steady_clock::now();
  if (!writing_) {
    if (!queue_.empty()) {
      DoWrite();
    } else {
      Finish();
    }
  }
}

void SseSession::Finish() {
  if (finished_ || torn_down()) {
    return;
  }
  finished_ = true;
  auto shutdown = [self = shared_from_this(), this](error_code, size_t) {
    error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    // The client's close completes the pending read, which tears down.
  };
  if (chunked_) {
    net::async_write(stream_, http::make_chunk_last(), shutdown);
  } else {
    shutdown(error_code(), 0);
  }
}

void SseSession::OnTransportTick(TimePoint now) {
  if (writing_ && now - write_started_ >= kSendTimeout) {
    spdlog::info("connection {}: a write made no progress for {} s, closing", connection_id(),
                 kSendTimeout.count());
    hub_.NoteCloseCause(hubcore::CloseCause::kSlowConsumer);
    Abort("send timeout");
    return;
  }
  if (close_requested() && now - close_started_ >= kCloseTimeout) {
    Abort("");
  }
}

void SseSession::Abort(std::string_view why) { Teardown(why); }

void SseSession::ReleaseTransport() {
  error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

}  // namespace hubgate::gateway
