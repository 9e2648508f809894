// A follower's fetcher for all partitions it follows on one leader broker (Kafka's
// ReplicaFetcherThread). Before fetching a partition whose leader or epoch changed it
// truncates its log by leader epoch (OffsetsForLeaderEpoch, KIP-101/279) instead of to its
// high watermark; then it fetches from its log end offset with its view of the leader epoch
// (KIP-320), appends what comes back and takes the leader's high watermark.
#pragma once

#include <map>
#include <vector>

#include "broker_model/clients/fetch_session_handler.h"
#include "broker_model/protocol/messages.h"
#include "broker_model/rpc/rpc_endpoint.h"

namespace broker_model {

class Partition;
class ReplicationQuota;
struct BrokerConfig;

class ReplicaFetcher {
 public:
  // `quota`: the broker's follower replication quota (replication_quota.h).
  ReplicaFetcher(RpcEndpoint& rpc, const BrokerConfig& config, BrokerId leader, ReplicationQuota& quota);
  void start();

  // The partition needs truncation before its next fetch.
  void add(Partition* p);
  void remove(Partition* p);
  bool empty() const { return partitions_.empty(); }

 private:
  struct State {
    Partition* partition;
    bool needs_truncation = true;
    LeaderEpoch epoch;  // the leader epoch this state was added for
  };
  void loop();
  // Both read `states` only before their first blocking call (a State may be removed while
  // they wait).
  void truncate_by_epoch(const std::vector<State*>& states);
  void truncate_to_high_watermark(const std::vector<State*>& states);  // the bug zoo's pre-KIP-101
  void fetch_once(const std::vector<State*>& states);
  void handle(State& s, const FetchPartitionResponse& r);

  RpcEndpoint& rpc_;
  const BrokerConfig& config_;
  BrokerId leader_;
  ReplicationQuota& quota_;
  std::map<TopicPartition, State> partitions_;
  FetchSessionHandler session_;  // this fetcher's fetch session with the leader (KIP-227)
  uint64_t membership_changes_ = 0;  // add() and remove() calls: see fetch_once
  sim::WaitQueue wakeup_{"replica fetcher idle"};
};

}  // namespace broker_model
