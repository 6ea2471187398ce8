#pragma once

// The `posts` hub: what an ASP.NET Core app would write as
//
//   public class PostsHub : Hub {
//     public async Task SubscribeToPost(string postId) {
//       await Groups.AddToGroupAsync(Context.ConnectionId, $"post-{postId}");
//       await Clients.Caller.SendAsync("SubscribedToPost", postId);
//     }
//     public Task UnsubscribeFromPost(string postId) => Groups.RemoveFromGroupAsync(...);
//     public Task SendComment(string postId, string content) =>
//       Clients.Group($"post-{postId}").SendAsync("NewComment", new { ... });
//   }
//
// written as a hubgate backend: the gateway calls this HubHandler service for every client
// call, and the hub answers through the gateway's Push API.

#include <string>

#include "examples/common/push_client.h"
#include "hubgate/v1/hub_handler.grpc.pb.h"

namespace hubgate::examples::posts {

// The hub name as configured in the gateway (hubs[].name); Push API calls name it.
inline constexpr char kHubName[] = "posts";

// The group of a post's subscribers: "post-42".
std::string PostGroup(const std::string& post_id);

class PostsHub final : public v1::HubHandler::CallbackService {
 public:
  explicit PostsHub(PushClient& push) : push_(push) {}

  // v1::HubHandler::CallbackService
  grpc::ServerUnaryReactor* Describe(grpc::CallbackServerContext* context,
                                     const v1::DescribeRequest* request,
                                     v1::HubDescription* response) override;
  grpc::ServerUnaryReactor* OnConnected(grpc::CallbackServerContext* context,
                                        const v1::ConnectedRequest* request,
                                        v1::ConnectedResponse* response) override;
  grpc::ServerUnaryReactor* OnDisconnected(grpc::CallbackServerContext* context,
                                           const v1::DisconnectedRequest* request,
                                           v1::DisconnectedResponse* response) override;
  grpc::ServerUnaryReactor* Invoke(grpc::CallbackServerContext* context,
                                   const v1::InvokeRequest* request,
                                   v1::InvokeResponse* response) override;
  // StreamInvoke and InvokeWithUploads are not overridden: this hub describes no stream or
  // upload methods, so the gateway never calls them (the generated default answers
  // UNIMPLEMENTED).

 private:
  // The hub methods. Each one finishes `reactor` exactly once, possibly later, from a Push
  // API completion.
  void SubscribeToPost(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                       grpc::ServerUnaryReactor* reactor);
  void UnsubscribeFromPost(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                           grpc::ServerUnaryReactor* reactor);
  void SendComment(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                   grpc::ServerUnaryReactor* reactor);

  PushClient& push_;
};

}  // namespace hubgate::examples::posts
