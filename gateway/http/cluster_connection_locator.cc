#include "gateway/http/cluster_connection_locator.h"

#include <chrono>
#include <memory>
#include <utility>

#include <spdlog/spdlog.h>

#include "gateway/backplane/cluster_publisher.h"
#include "gateway/http/connection_token.h"
#include "gateway/http/refusal.h"
#include "gateway/http/request_authenticator.h"
#include "gateway/http/request_router.h"
#include "hubcore/connection_id.h"

namespace hubgate::gateway {

namespace {

// Admits a connection negotiated elsewhere so that this replica holds it; false (after
// answering the refusal) when a limit has no room.
bool AdmitHere(HttpSession& session, const std::string& token, const hubcore::HubOptions& hub,
               const ConnectionTokenSigner::Claims& claims, const std::string& user_id) {
  const auto left = claims.claim_deadline - std::chrono::system_clock::now();
  if (left <= std::chrono::system_clock::duration::zero()) {
    return true;  // too late to claim: the normal path answers 404
  }
  GatewayContext& context = session.context();
  ConnectionRegistry::Entry entry;
  entry.connection_id = claims.connection_id;
  entry.hub = hub.name;
  // The worker byte of an id negotiated on a replica with more workers wraps around.
  entry.worker = *hubcore::ConnectionId::WorkerOf(claims.connection_id) % context.workers.size();
  entry.connect_deadline = std::chrono::steady_clock::now() +
                           std::chrono::duration_cast<std::chrono::steady_clock::duration>(left);
  entry.stateful = hub.stateful_reconnect;
  entry.user_id = user_id;
  entry.client_address = session.client_address();
  absl::Status admitted = context.registry.Admit(token, std::move(entry));
  if (admitted.ok() || absl::IsAlreadyExists(admitted)) {
    return true;
  }
  Refusal refusal = Refusal::Of(admitted);
  session.Answer({refusal.status, std::move(refusal.body)});
  return false;
}

}  // namespace

bool ClusterConnectionLocator::Start(HttpSession& session, Request& request,
                                     const hubcore::HubOptions& hub,
                                     const boost::urls::url_view& url, Done done) {
  GatewayContext& context = session.context();
  if (context.token_signer == nullptr || context.cluster_publisher == nullptr) {
    return false;
  }
  std::optional<std::string> token = QueryParam(url, "id");
  if (!token.has_value() || token->empty() || context.registry.Find(*token, hub.name).ok()) {
    return false;
  }
  auto principal = RequestAuthenticator(context).Authenticate(request, hub, url);
  if (!principal.ok()) {
    return false;  // the normal path answers 401
  }
  const std::string user_id = principal->has_value() ? (*principal)->user_id : "";
  absl::StatusOr<ConnectionTokenSigner::Claims> claims =
      context.token_signer->Verify(*token, hub.name, user_id);
  if (!claims.ok()) {
    return false;  // not this cluster's token for this hub and user: 404 as on one node
  }
  session.BeginRequest(request);
  auto self = session.shared_from_this();
  Worker& worker = session.worker();
  context.cluster_publisher->Locate(
      hub.name, claims->connection_id,
      [self, &worker, &hub, token = *std::move(token), claims = *std::move(claims), user_id,
       request = std::move(request),
       done = std::move(done)](absl::StatusOr<std::string> holder) mutable {
        worker.Post([self, &hub, token = std::move(token), claims = std::move(claims),
                     user_id = std::move(user_id), request = std::move(request),
                     done = std::move(done), holder = std::move(holder)]() mutable {
          if (holder.ok()) {
            std::move(done)(*self, std::move(request), Verdict{true, *std::move(holder)});
            return;
          }
          if (!absl::IsNotFound(holder.status())) {
            // The backplane is down or the holder silent: serve it here as one node would.
            spdlog::info("backplane: cannot locate connection {}: {}", claims.connection_id,
                         std::string(holder.status().message()));
          }
          if (!AdmitHere(*self, token, hub, claims, user_id)) {
            return;
          }
          std::move(done)(*self, std::move(request), Verdict{});
        });
      });
  return true;
}

}  // namespace hubgate::gateway
