#include "examples/posts/posts_rest.h"

#include <cstdint>
#include <string>

#include "absl/strings/numbers.h"
#include "boost/json.hpp"
#include "examples/common/audience.h"
#include "examples/common/values.h"
#include "examples/posts/posts_hub.h"
#include "spdlog/spdlog.h"

namespace hubgate::examples::posts {
namespace {

// "42" becomes the number 42 (what a page compares `post.id` with), anything else stays text.
boost::json::value PostIdJson(const std::string& post_id) {
  std::int64_t number = 0;
  if (!post_id.empty() && post_id.find_first_not_of("0123456789") == std::string::npos &&
      absl::SimpleAtoi(post_id, &number)) {
    return number;
  }
  return boost::json::string(post_id);
}

}  // namespace

HttpResponse PostsRest::Handle(const HttpRequest& request) {
  if (auto parameters = MatchPath(request, "api/posts/*/publish")) {
    if (request.method != "POST") {
      return ErrorResponse(405, "method not allowed");
    }
    return Publish(parameters->at(0), request);
  }
  return ErrorResponse(404, "not found");
}

HttpResponse PostsRest::Publish(const std::string& post_id, const HttpRequest& request) {
  auto body = ParseJsonBody(request);
  if (!body.ok()) {
    return ErrorResponse(400, std::string(body.status().message()));
  }
  boost::json::value title = nullptr;  // no title given: null
  if (const boost::json::value* given = body->if_contains("title")) {
    if (!given->is_string() && !given->is_null()) {
      return ErrorResponse(400, "title must be a string");
    }
    title = *given;
  }
  const boost::json::value id = PostIdJson(post_id);

  // Clients.All.SendAsync("PostPublished", new { id, title })
  v1::SendRequest published = NewSend(
      kHubName, "PostPublished", {FromJson(boost::json::object{{"id", id}, {"title", title}})});
  ToAll(published);
  // Clients.Group("post-42").SendAsync("PostUpdated", new { id, title, status = "published" })
  v1::SendRequest updated = NewSend(
      kHubName, "PostUpdated",
      {FromJson(boost::json::object{{"id", id}, {"title", title}, {"status", "published"}})});
  ToGroup(updated, PostGroup(post_id));

  std::uint64_t queued = 0;
  for (const v1::SendRequest* send : {&published, &updated}) {
    absl::StatusOr<std::uint64_t> sent = push_.SendAndWait(*send);
    if (!sent.ok()) {
      const std::string message(sent.status().message());
      spdlog::error("publish post {}: {}", post_id, message);
      return ErrorResponse(502, message);
    }
    queued += *sent;
  }
  spdlog::info("published post {}: queued for {} connection(s)", post_id, queued);
  return JsonResponse(202, boost::json::object{{"queued", queued}});
}

}  // namespace hubgate::examples::posts
