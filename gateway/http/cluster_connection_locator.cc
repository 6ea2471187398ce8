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
#include "gateway/runtime/cluster_routing.h"
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
  const std::string connection_id = claims->connection_id;  // the lambda takes `claims`
  context.cluster_publisher->Locate(
      hub.name, connection_id,
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
          const auto left = claims.claim_deadline - std::chrono::system_clock::now();
          if (left <= std::chrono::system_clock::duration::zero()) {
            // Too late to claim, and nobody holds it: 404 as for an unknown token.
            std::move(done)(*self, std::move(request), Verdict{});
            return;
          }
          // Only the first claim anywhere counts: a token whose connection has ended is
          // unknown, as on one node.
          HttpSession& session = *self;
          const std::string id = claims.connection_id;  // the lambda takes `claims`
          session.context().cluster->ClaimOnce(
              id, std::chrono::duration_cast<std::chrono::milliseconds>(left),
              [self = std::move(self), &hub, token = std::move(token),
               claims = std::move(claims), user_id = std::move(user_id),
               request = std::move(request),
               done = std::move(done)](absl::StatusOr<bool> first) mutable {
                Worker& worker = self->worker();
                worker.Post([self = std::move(self), &hub, token = std::move(token),
                             claims = std::move(claims), user_id = std::move(user_id),
                             request = std::move(request), done = std::move(done),
                             first = std::move(first)]() mutable {
                  if (first.ok() && !*first) {
                    std::move(done)(*self, std::move(request), Verdict{});  // 404
                    return;
                  }
                  AdmitAndServe(std::move(self), hub, token, claims, user_id,
                                std::move(request), std::move(done));
                });
              });
        });
      });
  return true;
}

void ClusterConnectionLocator::AdmitAndServe(std::shared_ptr<HttpSession> self,
                                             const hubcore::HubOptions& hub,
                                             const std::string& token,
                                             const ConnectionTokenSigner::Claims& claims,
                                             const std::string& user_id, Request request,
                                             Done done) {
  if (!AdmitHere(*self, token, hub, claims, user_id)) {
    return;
  }
  // Served once the other replicas can find the connection here (a send racing the
  // first poll to another replica must be forwarded, not admitted there too).
  HttpSession& session = *self;
  session.context().cluster->WhenHeld(
      claims.connection_id,
      [self = std::move(self), request = std::move(request),
       done = std::move(done)]() mutable {
        Worker& worker = self->worker();
        worker.Post([self = std::move(self), request = std::move(request),
                     done = std::move(done)]() mutable {
          std::move(done)(*self, std::move(request), Verdict{});
        });
      });
}

}  // namespace hubgate::gateway
