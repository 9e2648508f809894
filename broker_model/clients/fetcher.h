// The consumers' fetch path, shared by the assign() consumer (Consumer) and the subscribe()
// consumer (GroupConsumer), as Kafka's KafkaConsumer shares its Fetcher and SubscriptionState
// between both modes:
//   - per assigned partition a position: unknown until the owner seeks (a committed offset, or
//     kResetPosition to reset per auto.offset.reset at the first fetch, as Kafka's ListOffsets
//     lookup would);
//   - fetches to each partition's leader, one request in flight per broker, through a fetch
//     session per broker (KIP-227), for partitions with nothing buffered;
//   - OFFSET_OUT_OF_RANGE moves the position per auto.offset.reset (earliest: the log start;
//     latest: the high watermark; none: the partition is not consumed any more);
//   - after a leader change the position is validated with OffsetsForLeaderEpoch against the
//     epoch of the last record consumed (KIP-320): when the new leader's log ends before the
//     position, the log was truncated under the consumer, and it goes back to where the logs
//     agree;
//   - other errors refresh metadata and back off (retry.backoff.ms).
// Fetched records are buffered until the owner collects them; collecting advances positions.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "broker_model/clients/client_config.h"
#include "broker_model/clients/client_listeners.h"
#include "broker_model/clients/client_metadata.h"
#include "broker_model/clients/fetch_session_handler.h"
#include "broker_model/rpc/rpc_endpoint.h"

namespace broker_model {

class Fetcher {
 public:
  // A position meaning "reset per auto.offset.reset at the first fetch" (nothing committed).
  static constexpr Offset kResetPosition{-1};

  // What the fetcher reports to its owner (which names it in its own events).
  class Events {
   public:
    virtual ~Events() = default;
    // OFFSET_OUT_OF_RANGE moved a known position per auto.offset.reset.
    virtual void on_position_reset(const TopicPartition& tp, BrokerId broker, Offset from, Offset to) = 0;
    // OFFSET_OUT_OF_RANGE with auto.offset.reset=none: the partition is not consumed.
    virtual void on_no_offset(const TopicPartition& tp) = 0;
    // OffsetsForLeaderEpoch showed the log was truncated under the position (KIP-320).
    virtual void on_truncation_detected(const TopicPartition& tp, Offset from, LeaderEpoch epoch, Offset to) = 0;
  };

  struct Fetched {
    ConsumedRecord record;
    BrokerId from;
    bool after_reset = false;  // the first record after a position reset
  };

  // `wakeup` is notified whenever a request ends (the owner's loop waits on it).
  Fetcher(RpcEndpoint& rpc, ClientMetadata& metadata, const ConsumerConfig& config, Events& events,
          sim::WaitQueue& wakeup);

  // Replaces the assignment: partitions kept keep their position and buffer, new ones have
  // none until seek(); answers to requests sent under the previous assignment are dropped.
  void assign(const std::vector<TopicPartition>& tps);
  void seek(const TopicPartition& tp, Offset position);
  // nullopt: no position yet (or not assigned).
  std::optional<Offset> position(const TopicPartition& tp) const;

  // Sends what is due: validations and fetches, one request in flight per leader.
  void send();
  bool has_buffered() const;
  // Up to `max` buffered records, taking the partitions in turn; positions move past them.
  std::vector<Fetched> collect(size_t max);

 private:
  struct PartitionState {
    std::optional<Offset> position;
    LeaderEpoch last_consumed_epoch = kNoLeaderEpoch;  // of the batch of the last record collected
    LeaderEpoch leader_epoch = kNoLeaderEpoch;         // the leader epoch we fetch under
    bool needs_validation = false;
    bool reset_pending = false;  // the next record follows a reset
    bool stopped = false;        // out of range with auto.offset.reset=none
    sim::Instant retry_after;
    struct Entry {
      Fetched fetched;
      LeaderEpoch batch_epoch;
    };
    std::deque<Entry> buffer;
  };
  // The partitions of one send() that go to one broker.
  struct BrokerPartitions {
    BrokerId broker;
    std::vector<TopicPartition> tps;
  };
  static std::vector<TopicPartition>& list_for(std::vector<BrokerPartitions>& lists, BrokerId broker);
  void refresh_leaders();
  bool ready(const PartitionState& p, sim::Instant now) const;
  void send_fetch(BrokerId broker, const std::vector<TopicPartition>& tps);
  void on_fetch(uint64_t assignment, BrokerId broker, std::optional<sim::Payload>&& response);
  void on_partition(BrokerId broker, const FetchPartitionResponse& pr);
  void validate(BrokerId broker, const std::vector<TopicPartition>& tps);
  void on_validate(uint64_t assignment, std::optional<sim::Payload>&& response);
  void backoff(PartitionState& p);

  RpcEndpoint& rpc_;
  ClientMetadata& metadata_;
  const ConsumerConfig& config_;
  Events& events_;
  sim::WaitQueue& wakeup_;
  std::vector<TopicPartition> assigned_;  // in assignment order (collect() takes them in turn)
  std::map<TopicPartition, PartitionState> parts_;
  std::map<BrokerId, bool> in_flight_;
  std::map<BrokerId, FetchSessionHandler> sessions_;
  uint64_t assignment_ = 0;
  uint64_t metadata_version_seen_ = 0;
  size_t collect_cursor_ = 0;
  // send()'s per-broker lists, emptied and refilled each call (it runs after every fetch
  // response: fresh vectors there allocated on every turn).
  std::vector<BrokerPartitions> to_fetch_, to_validate_;
};

}  // namespace broker_model
