#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/any_invocable.h"
#include "gateway/backplane/backplane.h"
#include "gateway/backplane/backplane_envelope.h"
#include "gateway/backplane/backplane_envelope_codec.h"
#include "gateway/backplane/recent_message_ids.h"
#include "gateway/ops/metrics.h"
#include "gateway/runtime/local_publisher.h"
#include "gateway/runtime/worker_pool.h"
#include "hubcore/publisher.h"

namespace hubgate::gateway {

// The Publisher of a replica in a cluster (docs/scale-out.md). While the backplane is up, every
// push is published once per audience channel with both protocol frames, and every replica
// (this one included) delivers it to its own members when it arrives; group changes and client
// calls travel as requests to the connection's channel and come back as replies on this
// replica's channel. While it is down, local connections are still served and whatever needed
// other replicas fails with Unavailable.
//
// Publisher methods may be called from any thread; everything else runs on the backplane's
// thread.
class ClusterPublisher final : public hubcore::Publisher {
 public:
  struct Options {
    std::string advertise_address;  // answered to Locate requests
    std::chrono::milliseconds request_timeout{5000};
  };
  using LocateCallback = absl::AnyInvocable<void(absl::StatusOr<std::string>) &&>;

  ClusterPublisher(WorkerPool& workers, absl::flat_hash_set<std::string> hubs,
                   Backplane& backplane, Options options, Metrics* metrics);

  // Starts the backplane with this publisher receiving; Stop stops it.
  void Start();
  void Stop();
  // Before Start: the advertise address, once the HTTP listener's port is known.
  void SetAdvertiseAddress(std::string address) { options_.advertise_address = std::move(address); }

  bool HasHub(const std::string& hub) const override { return hubs_.contains(hub); }
  // `done` gets, for a connection audience, how many of the connections exist in the cluster;
  // for the other audiences 0 (replicas do not report their counts back).
  void Publish(const std::string& hub, const hubcore::Audience& audience,
               hubcore::SerializedMessageConstSharedPtr message, CountCallback done) override;
  void AddToGroup(const std::string& hub, const std::string& connection_id,
                  const std::string& group, FoundCallback done) override;
  void RemoveFromGroup(const std::string& hub, const std::string& connection_id,
                       const std::string& group, FoundCallback done) override;
  void InvokeClient(const std::string& hub, const std::string& connection_id, std::string method,
                    std::vector<hubcore::Value> arguments, std::chrono::milliseconds timeout,
                    ClientResultCallback done) override;

  // The advertise address of the replica holding the connection (HTTP forwarding): NotFound
  // when no replica holds it, Unavailable when the backplane is down or the holder is silent.
  void Locate(const std::string& hub, const std::string& connection_id, LocateCallback done);

 private:
  using ReplyCallback = absl::AnyInvocable<void(absl::StatusOr<ConnectionReply>) &&>;
  struct PendingRequest {
    std::chrono::steady_clock::time_point deadline;
    std::string connection_id;
    ReplyCallback done;
  };

  void PublishLocallyOnly(const std::string& hub, const hubcore::Audience& audience,
                          hubcore::SerializedMessageConstSharedPtr message, CountCallback done);
  // Sends a request to the connection's channel (any thread); `done` runs on the backplane's
  // thread with the reply, found = false when nobody holds the connection.
  void Request(ConnectionRequest request, std::chrono::milliseconds wait, ReplyCallback done);
  void ChangeGroup(const std::string& hub, const std::string& connection_id,
                   const std::string& group, bool add, FoundCallback done);

  // The backplane's thread.
  void OnMessage(std::string_view channel, std::string_view payload);
  void OnPush(BackplanePush push);
  void OnRequest(ConnectionRequest request);
  void OnReply(ConnectionReply reply);
  void SendReply(const std::string& replica, ConnectionReply reply);
  void ScheduleSweep();
  void ExpireRequests();

  std::string BackplaneDownText() const;

  Backplane& backplane_;
  const absl::flat_hash_set<std::string> hubs_;
  Options options_;
  Metrics* metrics_;
  BackplaneEnvelopeCodec codec_;
  LocalPublisher local_;     // counts pushes (the Push API's calls on this replica)
  LocalPublisher delivery_;  // delivers what arrives from the backplane, uncounted
  // Backplane thread only.
  uint64_t next_request_id_ = 0;
  absl::flat_hash_map<uint64_t, PendingRequest> pending_;
  RecentMessageIds recent_pushes_;
  std::unique_ptr<net::steady_timer> sweep_timer_;
};

}  // namespace hubgate::gateway
