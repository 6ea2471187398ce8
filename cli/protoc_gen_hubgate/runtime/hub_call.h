#pragma once

// What a generated hub method receives about its call: who called (the gateway's CallContext)
// and how. A copy, so it may be kept past the call.

#include <string>

#include "hubgate/v1/hub_handler.pb.h"

namespace hubgate::typed {

class HubCall {
 public:
  HubCall(const v1::CallContext& context, std::string method, std::string invocation_id)
      : context_(context), method_(std::move(method)), invocation_id_(std::move(invocation_id)) {}

  const v1::CallContext& context() const { return context_; }
  // The caller's connection: what Caller(), Others() and OthersInGroup() address.
  const std::string& connection_id() const { return context_.connection_id(); }
  // Empty for anonymous connections.
  const std::string& user_id() const { return context_.user_id(); }
  const std::string& method() const { return method_; }
  // Empty for a send() (the client is never answered) and for streams.
  const std::string& invocation_id() const { return invocation_id_; }

 private:
  v1::CallContext context_;
  std::string method_;
  std::string invocation_id_;
};

}  // namespace hubgate::typed
