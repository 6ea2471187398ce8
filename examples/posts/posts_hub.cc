#include "examples/posts/posts_hub.h"

#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "boost/json.hpp"
#include "examples/common/audience.h"
#include "examples/common/hub_replies.h"
#include "examples/common/values.h"
#include "spdlog/spdlog.h"

namespace hubgate::examples::posts {
namespace {

constexpr char kSubscribeToPost[] = "SubscribeToPost";
constexpr char kUnsubscribeFromPost[] = "UnsubscribeFromPost";
constexpr char kSendComment[] = "SendComment";

constexpr char kBadPostId[] = "postId must be a string or an integer.";

// The display name: the token's "name" claim, else the user id, else "anonymous".
std::string UserName(const v1::CallContext& context) {
  if (auto name = context.claims().find("name");
      name != context.claims().end() && !name->second.empty()) {
    return name->second;
  }
  return context.user_id().empty() ? "anonymous" : context.user_id();
}

}  // namespace

std::string PostGroup(const std::string& post_id) { return absl::StrCat("post-", post_id); }

grpc::ServerUnaryReactor* PostsHub::Describe(grpc::CallbackServerContext* context,
                                             const v1::DescribeRequest* /*request*/,
                                             v1::HubDescription* response) {
  // Names are matched case-insensitively by the gateway; InvokeRequest.method carries them
  // exactly as written here.
  DescribeMethod(*response, kSubscribeToPost, v1::MethodDescription::KIND_INVOKE);
  DescribeMethod(*response, kUnsubscribeFromPost, v1::MethodDescription::KIND_INVOKE);
  DescribeMethod(*response, kSendComment, v1::MethodDescription::KIND_INVOKE);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* PostsHub::OnConnected(grpc::CallbackServerContext* context,
                                                const v1::ConnectedRequest* request,
                                                v1::ConnectedResponse* /*response*/) {
  // Everyone may read posts; leaving `rejection` empty accepts the connection.
  spdlog::info("connected: {} (user '{}', {} over {})", request->context().connection_id(),
               request->context().user_id(), request->context().protocol(),
               request->context().transport());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* PostsHub::OnDisconnected(grpc::CallbackServerContext* context,
                                                   const v1::DisconnectedRequest* request,
                                                   v1::DisconnectedResponse* /*response*/) {
  // The gateway drops a closed connection from all of its groups itself; nothing to clean up.
  spdlog::info("disconnected: {}{}", request->context().connection_id(),
               request->error().empty() ? "" : " with error: " + request->error());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* PostsHub::Invoke(grpc::CallbackServerContext* context,
                                           const v1::InvokeRequest* request,
                                           v1::InvokeResponse* response) {
  // `request` and `response` stay valid until the reactor has finished, so the methods may
  // finish it later from a Push API completion.
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const std::string& method = request->method();
  if (method == kSubscribeToPost) {
    SubscribeToPost(*request, response, reactor);
  } else if (method == kUnsubscribeFromPost) {
    UnsubscribeFromPost(*request, response, reactor);
  } else if (method == kSendComment) {
    SendComment(*request, response, reactor);
  } else {
    // The gateway only forwards described methods; this is a programming error.
    reactor->Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "unknown method " + method));
  }
  return reactor;
}

void PostsHub::SubscribeToPost(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                               grpc::ServerUnaryReactor* reactor) {
  if (request.arguments_size() != 1) {
    return FinishWithHubError(reactor, response, WrongArgumentCount(request, 1));
  }
  const std::optional<std::string> post_id = IdArgument(request.arguments(0));
  if (!post_id) {
    return FinishWithHubError(reactor, response, kBadPostId);
  }
  // Groups.AddToGroupAsync(Context.ConnectionId, "post-42"), then
  // Clients.Caller.SendAsync("SubscribedToPost", postId): chained, never waited for.
  const std::string caller = request.context().connection_id();
  const v1::Value post_id_value = request.arguments(0);  // echoed as the client sent it
  push_.AddToGroup(
      kHubName, caller, PostGroup(*post_id),
      [this, reactor, caller, post_id_value](const grpc::Status& status,
                                             const v1::GroupMembershipResponse& added) {
        if (!status.ok()) {
          return reactor->Finish(PushFailed("AddToGroup", status));
        }
        if (!added.connection_found()) {
          // The caller disconnected meanwhile: nobody is left to answer.
          return reactor->Finish(grpc::Status::OK);
        }
        v1::SendRequest send = NewSend(kHubName, "SubscribedToPost", {post_id_value});
        ToCaller(send, caller);
        push_.Send(std::move(send), [reactor](const grpc::Status& status, const auto&) {
          // Only now does the client's invoke() complete: SubscribedToPost arrives first.
          reactor->Finish(status.ok() ? grpc::Status::OK
                                      : PushFailed("Send SubscribedToPost", status));
        });
      });
}

void PostsHub::UnsubscribeFromPost(const v1::InvokeRequest& request,
                                   v1::InvokeResponse* response,
                                   grpc::ServerUnaryReactor* reactor) {
  if (request.arguments_size() != 1) {
    return FinishWithHubError(reactor, response, WrongArgumentCount(request, 1));
  }
  const std::optional<std::string> post_id = IdArgument(request.arguments(0));
  if (!post_id) {
    return FinishWithHubError(reactor, response, kBadPostId);
  }
  push_.RemoveFromGroup(kHubName, request.context().connection_id(), PostGroup(*post_id),
                        [reactor](const grpc::Status& status, const auto&) {
                          reactor->Finish(status.ok() ? grpc::Status::OK
                                                      : PushFailed("RemoveFromGroup", status));
                        });
}

void PostsHub::SendComment(const v1::InvokeRequest& request, v1::InvokeResponse* response,
                           grpc::ServerUnaryReactor* reactor) {
  if (request.arguments_size() != 2) {
    return FinishWithHubError(reactor, response, WrongArgumentCount(request, 2));
  }
  const std::optional<std::string> post_id = IdArgument(request.arguments(0));
  if (!post_id) {
    return FinishWithHubError(reactor, response, kBadPostId);
  }
  const v1::Value& content_value = request.arguments(1);
  const std::optional<std::string> content = StringArgument(content_value);
  if (!content && content_value.kind_case() != v1::Value::kNullValue &&
      content_value.kind_case() != v1::Value::KIND_NOT_SET) {
    return FinishWithHubError(reactor, response, "Comment must be a string.");
  }
  if (!content || absl::StripAsciiWhitespace(*content).empty()) {
    // A HubError reaches the client as "... HubException: Comment must not be empty."
    return FinishWithHubError(reactor, response, "Comment must not be empty.");
  }

  // Clients.Group("post-42").SendAsync("NewComment", new { postId, userId, ... }). The caller
  // is a member too if subscribed; ToOthersInGroup() would leave them out.
  const v1::CallContext& context = request.context();
  const v1::Value comment = FromJson(boost::json::object{
      {"postId", ToJson(request.arguments(0))},
      {"userId", context.user_id()},  // "" for anonymous connections
      {"userName", UserName(context)},
      {"content", *content},
      {"timestamp", NowIso8601()},
  });
  v1::SendRequest send = NewSend(kHubName, "NewComment", {comment});
  ToGroup(send, PostGroup(*post_id));
  push_.Send(std::move(send), [reactor](const grpc::Status& status, const auto&) {
    reactor->Finish(status.ok() ? grpc::Status::OK : PushFailed("Send NewComment", status));
  });
}

}  // namespace hubgate::examples::posts
