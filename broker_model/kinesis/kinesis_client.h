// The client side of Kinesis: the SDK's calls to a stream frontend (with failover to the next
// frontend when one does not answer), and a producer in the manner of the AWS SDK's retry
// advice and the Kinesis Producer Library (KPL): user records are collected into PutRecords
// calls of at most `batch_records` records (KPL's collection; RecordMaxBufferedTime), and the
// records a call answers with an error (ProvisionedThroughputExceededException,
// InternalFailure), or every record of a call that got no answer, are sent again after an
// exponential backoff, until `record_ttl` (KPL's RecordTtl) runs out. A record answered
// InternalFailure, or in a call that timed out, may already be in the shard: its retry is a
// duplicate, as in real Kinesis ("Producer retries" in the Developer Guide). Records of one
// partition key can also be reordered by such retries (PutRecords does not promise order).
// KPL's aggregation of user records into one Kinesis record is not modelled (docs/kinesis.md).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/kinesis/kinesis_messages.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "sim/node_context.h"

namespace broker_model::kinesis {

class KinesisClient {
 public:
  KinesisClient(RpcEndpoint& rpc, std::vector<sim::NodeId> frontends, sim::Duration request_timeout, size_t first = 0)
      : rpc_(rpc), frontends_(std::move(frontends)), timeout_(request_timeout), current_(first % frontends_.size()) {}
  // nullopt: no answer (timeout, connection lost); the next call goes to the next frontend.
  std::optional<PutRecordsResponse> put_records(PutRecordsRequest req);
  std::optional<GetShardIteratorResponse> get_shard_iterator(GetShardIteratorRequest req);
  std::optional<GetRecordsResponse> get_records(GetRecordsRequest req);
  std::optional<ListShardsResponse> list_shards(ListShardsRequest req);
  std::optional<ReshardResponse> split_shard(SplitShardRequest req);
  std::optional<ReshardResponse> merge_shards(MergeShardsRequest req);
  std::optional<ReshardResponse> update_shard_count(UpdateShardCountRequest req);
  std::optional<ReshardResponse> increase_stream_retention_period(StreamRetentionRequest req);
  std::optional<ReshardResponse> decrease_stream_retention_period(StreamRetentionRequest req);
  std::optional<StreamConsumerResponse> register_stream_consumer(StreamConsumerRequest req);
  std::optional<StreamConsumerResponse> deregister_stream_consumer(StreamConsumerRequest req);
  std::optional<SubscribeToShardResponse> subscribe_to_shard(SubscribeToShardRequest req);
  // The next push of a subscription: waits up to `wait` (the frontend holds the call).
  std::optional<SubscribeToShardEvent> next_event(SubscribeToShardEventRequest req, sim::Duration wait);

 private:
  template <class Resp, class Req>
  std::optional<Resp> call(sim::Symbol type, Req req);
  RpcEndpoint& rpc_;
  std::vector<sim::NodeId> frontends_;
  sim::Duration timeout_;
  size_t current_ = 0;
};

struct KinesisProducerConfig {
  std::string stream;
  int32_t batch_records = 500;                      // records per PutRecords (at most 500)
  sim::Duration max_buffered = sim::milliseconds(100);  // KPL RecordMaxBufferedTime
  sim::Duration record_ttl = sim::seconds(30);      // KPL RecordTtl: then the record fails
  sim::Duration backoff_base = sim::milliseconds(100);
  sim::Duration backoff_max = sim::seconds(2);
  sim::Duration request_timeout = sim::seconds(6);
  // PutRecords calls in flight at once (KPL: MaxConnections, default 24; an SDK loop: 1).
  int32_t max_in_flight_calls = 1;
};

// What became of a user record: written (shard, sequence number) or failed after its TTL.
struct PutOutcome {
  uint64_t token = 0;
  bool ok = false;
  int32_t shard = -1;
  int64_t sequence_number = -1;
  int attempts = 0;
  std::string last_error;
};

class KinesisProducer {
 public:
  using OnOutcome = std::function<void(const PutOutcome&)>;
  // Each failed attempt of a record: (token, shard, error) — for the lab's throttling count.
  using OnAttemptError = std::function<void(uint64_t token, int32_t shard, const std::string& error)>;
  KinesisProducer(sim::NodeContext& ctx, KinesisClient& client, KinesisProducerConfig config, OnOutcome on_outcome,
                  OnAttemptError on_attempt_error);
  void start();
  void add(uint64_t token, std::string partition_key, uint64_t record_id, int32_t data_bytes,
           std::optional<std::string> explicit_hash_key = std::nullopt);
  size_t outstanding() const { return outstanding_; }
  void flush();  // blocks until every added record has an outcome

 private:
  struct Pending {
    uint64_t token = 0;
    PutRecordsEntry entry;
    sim::Instant added;
    sim::Instant retry_after;
    int attempts = 0;
    std::string last_error;
  };
  void sender_loop();
  void retry_later(Pending p, const std::string& error);
  sim::NodeContext& ctx_;
  KinesisClient& client_;
  KinesisProducerConfig config_;
  OnOutcome on_outcome_;
  OnAttemptError on_attempt_error_;
  std::deque<Pending> queue_;
  size_t outstanding_ = 0;
  sim::WaitQueue wakeup_{"kinesis producer"};
  sim::WaitQueue drained_{"kinesis producer flush"};
};

}  // namespace broker_model::kinesis
