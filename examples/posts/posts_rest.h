#pragma once

// The posts backend's own REST API: a service action that notifies browsers.
//
//   POST /api/posts/{id}/publish   body (optional): {"title": "..."}
//     -> "PostPublished" [{id, title}] to every connection of the hub (Clients.All)
//     -> "PostUpdated" [{id, title, status: "published"}] to group post-{id}
//     <- 202 {"queued": <connections the two messages were queued for>}

#include "examples/common/http_server.h"
#include "examples/common/push_client.h"

namespace hubgate::examples::posts {

class PostsRest {
 public:
  explicit PostsRest(PushClient& push) : push_(push) {}

  // The HttpServer handler. Runs on the HTTP thread, so blocking Push calls are fine here.
  HttpResponse Handle(const HttpRequest& request);

 private:
  HttpResponse Publish(const std::string& post_id, const HttpRequest& request);

  PushClient& push_;
};

}  // namespace hubgate::examples::posts
