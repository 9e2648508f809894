// A consumer reading assigned partitions from their leaders (Kafka's KafkaConsumer with
// assign()): one fetch in flight per leader broker, positions per partition, leader changes
// followed through metadata. After a leader change it validates its position with
// OffsetsForLeaderEpoch against the epoch of the last record it consumed (KIP-320): when the
// new leader's log ends before that position, the log was truncated under it, and it resets
// to where the logs agree. Every record read goes to the caller's ConsumerListener
// (clients/client_listeners.h); position resets are reported to the run's observers
// (clients/client_events.h).
#pragma once

#include <map>
#include <vector>

#include "broker_model/clients/client_config.h"
#include "broker_model/clients/client_events.h"
#include "broker_model/clients/client_listeners.h"
#include "broker_model/clients/client_metadata.h"
#include "broker_model/clients/fetch_session_handler.h"
#include "broker_model/rpc/rpc_endpoint.h"

namespace broker_model {

class Consumer {
 public:
  // `listener` (it must outlive the consumer) gets every record read; `consumer_index`
  // names this consumer in its events (its client.id).
  Consumer(RpcEndpoint& rpc, ClientMetadata& metadata, ConsumerConfig config, ConsumerListener& listener,
           int consumer_index, std::vector<TopicPartition> assignment);
  void start();

  int64_t consumed() const { return consumed_; }
  Offset position(const TopicPartition& tp) const;

 private:
  struct Position {
    Offset offset{0};
    LeaderEpoch last_fetched_epoch = kNoLeaderEpoch;  // epoch of the last batch consumed
    LeaderEpoch leader_epoch = kNoLeaderEpoch;        // the leader epoch we fetch under
    bool needs_validation = false;
    bool reset_pending = false;                        // the next record follows a reset
    sim::Instant retry_after;
  };
  void loop();
  void refresh_leaders();
  // The partitions of one turn of the loop that go to one broker.
  struct BrokerPartitions {
    BrokerId broker;
    std::vector<TopicPartition> tps;
  };
  // The list for `broker` in `lists` (kept in broker order, as a map would), added if new.
  static std::vector<TopicPartition>& list_for(std::vector<BrokerPartitions>& lists, BrokerId broker);
  void send_fetch(BrokerId broker, const std::vector<TopicPartition>& tps);
  void on_fetch(BrokerId broker, std::optional<sim::Payload>&& response);
  void validate(BrokerId broker, const std::vector<TopicPartition>& tps);
  void on_validate(std::optional<sim::Payload>&& response);
  void backoff(Position& p);

  RpcEndpoint& rpc_;
  ClientMetadata& metadata_;
  ConsumerConfig config_;
  ConsumerListener& listener_;
  int index_;
  std::map<TopicPartition, Position> positions_;
  std::map<BrokerId, bool> in_flight_;
  std::map<BrokerId, FetchSessionHandler> sessions_;  // a fetch session per broker (KIP-227)
  // The loop's per-broker lists, emptied and refilled each turn: the loop runs after every
  // fetch response, and building maps of fresh vectors there allocated on every turn.
  std::vector<BrokerPartitions> to_fetch_, to_validate_;
  int64_t consumed_ = 0;
  uint64_t metadata_version_seen_ = 0;
  sim::WaitQueue wakeup_{"consumer"};
};

}  // namespace broker_model
