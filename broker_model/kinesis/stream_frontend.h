// A Kinesis Data Streams frontend: the node clients call with Kinesis' API. It keeps no data
// of its own. Each stream is an internal Kafka topic (`kinesis.<stream>`, one partition per
// shard, replicated like any topic), so durability, replication and every fault of the
// cluster apply to the shards unchanged:
// - PutRecords: each record goes to the shard whose hash-key range holds MD5(partition key)
//   (or its ExplicitHashKey), is admitted or refused by the shard's write limits, and is
//   written through a Kafka producer (acks=all, idempotent) to the shard's partition; its
//   sequence number is the Kafka offset, increasing per shard. The answer has one result per
//   record, in order: a sequence number, or ProvisionedThroughputExceededException (throttled)
//   or InternalFailure (the write failed or timed out: it may still be in the shard, which is
//   how Kinesis' retries make duplicates).
// - GetShardIterator / GetRecords: served from a read cache that a Kafka consumer fills by
//   reading every shard's partition from its start up to the high watermark: only committed
//   records are ever returned. GetRecords is refused past 5 calls/s or 2 MB/s per shard.
// - ListShards: the shards, open and closed, with their hash-key ranges, ParentShardId,
//   AdjacentParentShardId and EndingSequenceNumber.
// - SplitShard, MergeShards, UpdateShardCount (shard_map.h): the parents are closed at once
//   (new records go to the children) and the stream is UPDATING (further reshards answer
//   ResourceInUseException) until every write in flight to a closed parent has finished; then
//   the parent's EndingSequenceNumber is its last acknowledged sequence number. GetRecords past
//   it answers no NextShardIterator and the ChildShards. A record the frontend answered
//   InternalFailure that still lands in a closed parent after that lies beyond its end and is
//   never served (its retry went to a child). Each child is a partition the topic was created
//   with for it (the scenario counts the shards its reshards create; `partitions` below).
// - Retention (IncreaseStreamRetentionPeriod / DecreaseStreamRetentionPeriod, 24 to 8,760
//   hours, 24 by default): a record whose ApproximateArrivalTimestamp is older than the
//   retention period is trimmed: the shard's TRIM_HORIZON is then the oldest record kept, and
//   an iterator at a trimmed record (AT_/AFTER_SEQUENCE_NUMBER, AT_TIMESTAMP older than the
//   trim horizon) reads from it (docs/kinesis.md, "Retention"). The lab may let an hour of
//   retention last less than an hour (`retention_hour`), so that a run of seconds shows it.
// - Enhanced fan-out: RegisterStreamConsumer / DeregisterStreamConsumer (at most 20 per
//   stream), SubscribeToShard: the frontend pushes records to the subscriber (each push the
//   answer to a SubscribeToShardEvent call it holds until it has records), up to 2 MB/s per
//   shard for each registered consumer, apart from the shard's shared read limits; a
//   subscription ends after 5 minutes (or on deregistration) and is renewed by the consumer
//   from its ContinuationSequenceNumber.
// The write and read limits are enforced by each frontend for the calls it serves
// (docs/kinesis.md: with several frontends a shard can take more than its limit).
#pragma once

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/clients/client_listeners.h"
#include "broker_model/clients/client_metadata.h"
#include "broker_model/clients/consumer.h"
#include "broker_model/clients/producer.h"
#include "broker_model/kinesis/kinesis_messages.h"
#include "broker_model/kinesis/shard_throttle.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/node_context.h"

namespace broker_model::kinesis {

// The client index the frontend's internal Kafka producer and consumer report under: not one
// of the workload's clients (the lab's observer leaves their events out of what it records of the workload).
inline constexpr int kFrontendClientIndex = -1;

struct StreamConfig {
  std::string name;
  int32_t shards = 1;
  // The internal topic's partitions: room for the shards reshards create (at least `shards`).
  int32_t partitions = 0;
  int32_t retention_hours = kRetentionHoursDefault;  // RetentionPeriodHours
  int32_t capacity() const { return std::max(shards, partitions); }
};

struct FrontendConfig {
  std::vector<StreamConfig> streams;
  std::vector<BrokerId> brokers;  // bootstrap
  ShardLimits limits;
  // The internal producer's delivery.timeout.ms: a record not written by then is answered
  // InternalFailure (it may still land). Kept below the clients' request timeout.
  int64_t write_timeout_ms = 4'000;
  // Told the stream's shards after each reshard and each EndingSequenceNumber found (the lab
  // records them for its checkers; optional).
  std::function<void(const std::string& stream, const std::vector<ShardRange>& shards)> on_shards_changed;
  // How long one hour of retention lasts in this run: an hour, unless a lab scenario shortens
  // it (kinesis.retention_hour) to show retention within seconds. Only retention uses it.
  sim::Duration retention_hour = sim::seconds(3'600);
  // Told each time retention trims a shard: its new trim horizon (the oldest sequence number
  // kept) at the simulated instant `at` (the lab records it for its checkers; optional).
  std::function<void(sim::Instant at, const std::string& stream, int32_t shard, int64_t trim_horizon)> on_trimmed;
};

sim::BootFn make_stream_frontend_boot(FrontendConfig config);

class StreamFrontend final : public ProducerListener, public ConsumerListener {
 public:
  StreamFrontend(sim::NodeContext& ctx, FrontendConfig config);
  void run();

 private:
  // The records of a shard the frontend serves: [first, end()), contiguous; retention trims
  // from the front.
  struct ShardCache {
    int64_t first = 0;
    std::deque<KinesisRecord> records;
    int64_t end() const { return first + static_cast<int64_t>(records.size()); }
    const KinesisRecord& at(int64_t seq) const { return records[static_cast<size_t>(seq - first)]; }
  };
  struct Stream {
    StreamConfig config;
    ShardMap map;
    bool updating = false;               // a reshard waits for writes to its closed parents
    std::vector<int64_t> in_flight;      // per shard: records sent to its partition, not answered
    std::vector<int64_t> last_acked;     // per shard: the highest sequence number acknowledged
    std::vector<std::string> routing_keys;  // a Kafka key murmur2 sends to each shard's partition
    std::vector<ShardCache> cache;       // per shard
    std::map<std::string, std::string> consumers;  // registered (fan-out) consumer name -> ARN
    uint64_t consumers_registered = 0;
  };
  struct Subscription {
    std::string stream;
    std::string consumer_arn;
    int32_t shard = 0;
    int64_t next_sequence = 0;
    sim::Instant expires;                // local clock
    std::optional<RequestInfo> waiting;  // the SubscribeToShardEvent call held
    sim::Instant answer_by;              // then answered even without records
  };
  struct PendingPut {
    RequestInfo info;
    PutRecordsResponse response;
    size_t remaining = 0;
  };
  struct Queued {
    RequestInfo info;
    sim::Payload body;
  };

  void on_request(const RequestInfo& info, sim::Payload&& body);
  void serve_loop();
  void put_records(const RequestInfo& info, PutRecordsRequest& req);
  GetShardIteratorResponse get_shard_iterator(const GetShardIteratorRequest& req);
  GetRecordsResponse get_records(const GetRecordsRequest& req);
  ListShardsResponse list_shards(const ListShardsRequest& req);
  ReshardResponse reshard(const std::string& stream, const std::function<ReshardResult(ShardMap&)>& op);
  ReshardResponse split_shard(const SplitShardRequest& req);
  ReshardResponse merge_shards(const MergeShardsRequest& req);
  ReshardResponse update_shard_count(const UpdateShardCountRequest& req);
  ReshardResponse change_retention(const StreamRetentionRequest& req, bool increase);
  // Drops every record older than the stream's retention period (by its arrival time).
  // Drops the records older than the stream's retention: every shard, or one (a read's).
  void trim(const std::string& name, Stream& s);
  void trim(const std::string& name, Stream& s, int32_t shard);
  void retention_loop();
  StreamConsumerResponse register_consumer(const StreamConsumerRequest& req);
  StreamConsumerResponse deregister_consumer(const StreamConsumerRequest& req);
  SubscribeToShardResponse subscribe_to_shard(const SubscribeToShardRequest& req);
  void hold_event(const RequestInfo& info, const SubscribeToShardEventRequest& req);
  // Answers the held call of subscription `id` if there is something to push (or it ended).
  void push(uint64_t id);
  void fan_out_loop();
  // Sets the EndingSequenceNumber of closed shards with no write in flight; the stream is
  // ACTIVE again once every closed shard has one.
  void finish_closing(const std::string& name, Stream& s);
  Stream* find_stream(const std::string& name);
  void finish_record(uint64_t token, const PutRecordsResultEntry& result);
  // ProducerListener / ConsumerListener
  void on_completion(std::span<const uint64_t> tokens, const DeliveryReport& report) override;
  void on_record(const ConsumedRecord& r, BrokerId from, bool after_reset) override;

  sim::NodeContext& ctx_;
  FrontendConfig config_;
  RpcEndpoint rpc_;
  ShardThrottle throttle_;
  std::map<std::string, Stream> streams_;
  std::map<std::string, std::string> stream_of_topic_;
  ClientMetadata* metadata_ = nullptr;
  Producer* producer_ = nullptr;
  std::map<uint64_t, PendingPut> puts_;
  std::map<uint64_t, Subscription> subscriptions_;
  uint64_t next_subscription_ = 1;
  bool fan_out_started_ = false;
  std::map<std::pair<std::string, int32_t>, TokenBucket> fan_out_bytes_;  // (consumer ARN, shard)
  uint64_t next_put_ = 1;
  std::deque<Queued> queue_;
  sim::WaitQueue queued_{"kinesis frontend"};
  bool ready_ = false;
};

}  // namespace broker_model::kinesis
