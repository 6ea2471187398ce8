#pragma once

// A tiny JSON-over-HTTP server for a backend's service actions (REST endpoints that push).
// Boost.Beast on one thread of its own: requests are handled one at a time, so the handler may
// block briefly, e.g. on PushClient::SendAndWait(). Keep-alive connections are served.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"

namespace hubgate::examples {

struct HttpRequest {
  std::string method;                 // "GET", "POST", ...
  std::string path;                   // without the query string, e.g. "/api/posts/42/publish"
  std::vector<std::string> segments;  // the path split at '/', e.g. {"api", "posts", "42", ...}
  std::string body;
};

struct HttpResponse {
  unsigned status = 200;
  std::string body;  // JSON text
};

// A response with a JSON body.
HttpResponse JsonResponse(unsigned status, const boost::json::value& body);
// {"error": message}
HttpResponse ErrorResponse(unsigned status, const std::string& message);

// Matches the request path against a pattern whose "*" segments are parameters:
// MatchPath(request, "api/posts/*/publish") gives {"42"} for "/api/posts/42/publish" and
// nullopt for any other shape.
std::optional<std::vector<std::string>> MatchPath(const HttpRequest& request,
                                                  const std::string& pattern);

// The body as a JSON object; an empty body gives an empty object. The error is a message for a
// 400 answer.
absl::StatusOr<boost::json::object> ParseJsonBody(const HttpRequest& request);

class HttpServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // Listens on `listen` ("host:port", port 0 picks one) and serves on a new thread. Fails when
  // the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const std::string& listen,
                                                           Handler handler);
  ~HttpServer();  // stops the thread

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;

 private:
  struct Impl;  // keeps Beast out of this header
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hubgate::examples
