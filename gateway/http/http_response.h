#pragma once

#include <string>
#include <string_view>

#include "gateway/http/cors.h"
#include "gateway/ops/config.h"
#include "gateway/ops/net.h"

namespace hubgate::gateway {

inline constexpr std::string_view kPlainTextUtf8 = "text/plain; charset=utf-8";

// What an answer depends on in the request it answers.
struct RequestTraits {
  unsigned version = 11;
  bool keep_alive = true;
  bool head = false;        // HEAD: the body is left out (its Content-Length too)
  std::string cors_origin;  // Access-Control-Allow-Origin to send; empty: none

  static RequestTraits Of(const http::request<http::string_body>& request,
                          const CorsConfig& cors);
};

// The headers a kind of answer carries besides status and body. Each is what that route has
// always sent (e2e tests and clients rely on them), so they differ on purpose.
struct ResponseStyle {
  std::string_view cache_control;  // empty: none
  std::string_view content_type;   // empty: none
  bool content_type_without_body = false;  // name the type even when the body is empty
  bool cors = true;  // the CORS headers of an actual response, for an allowed origin

  // Front-door answers (errors, negotiate, static files): no-cache, the type only with a body.
  static ResponseStyle Text(std::string_view content_type = kPlainTextUtf8) {
    return {"no-cache", content_type, false, true};
  }
  // Answers to a transport session's requests (polls, sends, DELETE).
  static ResponseStyle Transport() { return {"no-cache, no-store", "text/plain", true, true}; }
  // A poll answered with frames.
  static ResponseStyle Frames() {
    return {"no-cache, no-store", "application/octet-stream", true, true};
  }
  // A preflight brings its own CORS headers.
  static ResponseStyle Preflight() { return {"", "", false, false}; }
  // A request that could not be parsed: nothing of it is trusted.
  static ResponseStyle Malformed() { return {"", kPlainTextUtf8, true, false}; }
  // A refused WebSocket resume, written on the moved socket: as bare as it has always been.
  static ResponseStyle ResumeRefusal() { return {"", "", false, false}; }
};

// A complete text answer chosen by a handler that does no I/O.
struct TextAnswer {
  http::status status;
  std::string body;
  std::string content_type = std::string(kPlainTextUtf8);
};

// The one place that builds HTTP responses: Server, Cache-Control, Content-Type, CORS,
// keep-alive and HEAD handling.
class HttpResponse {
 public:
  using Full = http::response<http::string_body>;
  using Head = http::response<http::empty_body>;

  // `extra_headers` come last (a preflight's CORS answer, its Vary). A 204 or a HEAD answer
  // carries no body.
  static Full Build(const RequestTraits& traits, http::status status, std::string body,
                    const ResponseStyle& style, const Cors::Headers& extra_headers = {});
  // The head of a response whose body (`content_length` bytes) is written after it.
  static Head BuildHead(const RequestTraits& traits, http::status status,
                        const ResponseStyle& style, size_t content_length);
};

}  // namespace hubgate::gateway
