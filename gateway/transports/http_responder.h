#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/ops/net.h"
#include "hubcore/frame.h"

namespace hubgate::gateway {

// The answer owed to one HTTP request of the Server-Sent Events or Long Polling transport (a
// send, a poll, a DELETE), as the transport sessions see it. The HTTP front door implements it;
// every call happens on the owning worker's thread.
class HttpResponder {
 public:
  virtual ~HttpResponder() = default;

  // Answers the request (with the CORS headers it earned); the connection then serves the next
  // request.
  virtual void Respond(http::status status, std::string body = "") = 0;
  // 200 application/octet-stream whose body is the frames (one gather write, no copy).
  virtual void RespondWithFrames(std::vector<hubcore::FrameConstSharedPtr> frames) = 0;
  // The request is a long poll held by a session: the socket is watched meanwhile, so that a
  // client going away releases the responder (sessions hold it weakly).
  virtual void HoldForPoll() = 0;
};

using HttpResponderSharedPtr = std::shared_ptr<HttpResponder>;

}  // namespace hubgate::gateway
