// A client's view of the cluster: which broker leads each partition, at which leader epoch.
// Learned from Metadata requests to any broker (bootstrap list first), refreshed when a
// request fails with a leadership error, and periodically. One fiber does the refreshing;
// senders and fetchers ask for a refresh and carry on.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/protocol/messages.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "broker_model/topic_map.h"

namespace broker_model {

struct PartitionLeader {
  BrokerId leader = kNoBroker;
  LeaderEpoch leader_epoch = kNoLeaderEpoch;
};

class ClientMetadata {
 public:
  ClientMetadata(RpcEndpoint& rpc, std::vector<BrokerId> bootstrap, std::vector<std::string> topics,
                 sim::Duration max_age, sim::Duration request_timeout);
  void start();  // spawns the refresher fiber

  // Partition count of a topic (0 while unknown).
  int32_t partitions(sim::Symbol topic) const;
  std::optional<PartitionLeader> leader(const TopicPartition& tp) const;
  // TOPIC_AUTHORIZATION_FAILED when the last answer refused this topic's metadata (no
  // Describe), else NONE: Kafka's producer then fails send() with TopicAuthorizationException.
  ErrorCode topic_error(sim::Symbol topic) const;
  // Brokers known to be alive (the bootstrap list until the first answer).
  const std::vector<BrokerId>& brokers() const { return known_brokers_; }
  void request_refresh();
  // Blocks until a refresh completed after this call (bounded by request timeouts).
  void refresh_now();
  uint64_t version() const { return version_; }
  sim::WaitQueue& changed() { return changed_; }

 private:
  void refresher_loop();
  bool fetch_once();

  RpcEndpoint& rpc_;
  std::vector<BrokerId> known_brokers_;
  std::vector<std::string> topics_;
  sim::Duration max_age_;
  sim::Duration request_timeout_;
  size_t next_broker_ = 0;
  bool refresh_wanted_ = true;
  uint64_t version_ = 0;
  TopicMap<std::vector<PartitionLeader>> topics_state_;
  std::map<std::string, ErrorCode> topic_errors_;  // topics the last answer refused
  sim::WaitQueue wakeup_{"metadata refresh"};
  sim::WaitQueue changed_{"metadata changed"};
};

}  // namespace broker_model
