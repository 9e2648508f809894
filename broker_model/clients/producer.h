// A Kafka producer: records go into per-partition batches (linger.ms, batch.size); a sender
// fiber drains ready batches into Produce requests per leader broker, keeping at most
// max.in.flight.requests.per.connection requests in flight to each; failed batches are
// retried after retry.backoff.ms until delivery.timeout.ms (or retries) runs out, refreshing
// metadata on leadership errors. Every record's fate goes to the caller's ProducerListener,
// once per batch (clients/client_listeners.h): acknowledged (with offset and acknowledging
// broker), failed (certainly not written), or unknown (a timeout or an error after the
// append: it may or may not be in the log). Each send of a batch that had to be resent is
// reported to the run's observers (ProduceBatchAttempt, clients/client_events.h).
//
// enable.idempotence (Kafka's TransactionManager for a producer without transactional.id):
// before its first batch the producer gets a producer id and epoch (InitProducerId from any
// broker). Each batch gets the next sequence numbers of its partition when it is first sent;
// a retry resends it with the same producer id, epoch and sequence, so the leader can answer
// it with the original offset instead of appending it again. Batches of a partition go out
// in sequence order: a retried batch waits until the batches before it are answered, and at
// most five are in flight per partition (the broker remembers five per producer). See
// producer.cc for how OUT_OF_ORDER_SEQUENCE_NUMBER and UNKNOWN_PRODUCER_ID bump the epoch.
#pragma once

#include <climits>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker_model/clients/client_config.h"
#include "broker_model/clients/client_events.h"
#include "broker_model/clients/client_listeners.h"
#include "broker_model/clients/client_metadata.h"
#include "broker_model/clients/partitioner.h"
#include "broker_model/rpc/rpc_endpoint.h"
#include "broker_model/topic_map.h"

namespace broker_model {

// What send() did with a record.
struct SendResult {
  TopicPartition tp;  // the partition it went to (partition 0 when the topic is unknown)
  // kNone: queued, its batch's completion will carry its token. Else refused, and nothing
  // follows: UNKNOWN_TOPIC_OR_PARTITION, RECORD_TOO_LARGE (larger than max.request.size or
  // buffer.memory), or BUFFER_EXHAUSTED (buffer.memory stayed full for max.block.ms).
  ErrorCode error = ErrorCode::kNone;
  bool queued() const { return error == ErrorCode::kNone; }
};

class Producer {
 public:
  // `listener` (it must outlive the producer) learns every queued record's fate.
  // `producer_index` names this producer in its traces and events (its client.id).
  Producer(RpcEndpoint& rpc, ClientMetadata& metadata, ProducerConfig config, ProducerListener& listener,
           int producer_index);
  void start();  // spawns the sender fiber

  // Queues one record; `token` comes back with its batch's completion. Blocks only while
  // buffer.memory is full, up to max.block.ms (then BUFFER_EXHAUSTED).
  SendResult send(sim::Symbol topic, std::optional<std::string> key, std::string value, uint64_t token,
                  int32_t value_padding = 0, bool tombstone = false);

  size_t queued_records() const { return queued_records_; }
  size_t in_flight_requests() const;
  bool idempotent() const { return config_.enable_idempotence; }
  ProducerId producer_id() const { return producer_id_; }
  int16_t producer_epoch() const { return producer_epoch_; }
  // A transactional producer (transactional.id) gets its producer id and epoch from its
  // transaction coordinator (txn/transactional_producer.h), never from any broker, and its
  // batches are marked transactional. Sequences restart at 0 with a new epoch.
  bool transactional() const { return config_.transactional_id.has_value(); }
  void set_transactional_producer(ProducerId id, int16_t epoch);
  // The partition a keyed record goes to (the partitioner's choice for a key is fixed), or
  // nullopt when the topic's partitions are not known yet.
  std::optional<TopicPartition> partition_for_key(sim::Symbol topic, const std::string& key);
  // Blocks until every queued record has completed (acknowledged, failed or unknown).
  void flush();

 private:
  struct PartitionQueue;
  struct Batch {
    TopicPartition tp;
    PartitionQueue* partition = nullptr;  // the queue (in queues_) this batch is in
    SharedRecords records;  // shared with the RecordBatch of each send (no copy per attempt)
    std::vector<uint64_t> tokens;     // the records' send() tokens, in record order
    int64_t bytes = 0;
    sim::Instant created;             // local clock
    sim::Instant retry_after;
    int attempts = 0;
    bool maybe_written = false;       // some attempt may have appended it
    bool in_flight = false;
    // Idempotence: set when first sent, kept by retries (reassigned only by an epoch bump,
    // when the broker has shown the batch is not in its log).
    bool has_sequence = false;
    ProducerId producer_id = kNoProducerId;
    int16_t producer_epoch = kNoProducerEpoch;
    int32_t base_sequence = kNoSequence;
    bool sequence_reset = false;      // renumbered by an epoch bump (Kafka's sequenceHasBeenReset)
    std::vector<ProduceBatchAttempt> sends;  // reported to observers if the batch is sent twice
    int32_t last_sequence() const {  // wraps past INT32_MAX, as Kafka's sequences do
      int64_t last = int64_t{base_sequence} + static_cast<int64_t>(records.size()) - 1;
      return static_cast<int32_t>(last > INT32_MAX ? last - (int64_t{INT32_MAX} + 1) : last);
    }
  };
  // The idempotent producer's per-partition state (Kafka's TxnPartitionEntry).
  struct PartitionSequences {
    ProducerId producer_id = kNoProducerId;  // the id and epoch this partition's sequences belong to
    int16_t epoch = kNoProducerEpoch;
    int32_t next_sequence = 0;
    int32_t last_acked_sequence = kNoSequence;
    // A batch holding sequences was given up (expired, failed): until a later batch is
    // acknowledged (then it was written) or shown missing, nothing new is sequenced.
    bool unresolved = false;
    int32_t unresolved_sequence = kNoSequence;  // last sequence of that batch
    bool needs_bump = false;            // the broker lacks sequences we sent: new epoch first
    LeaderEpoch max_leader_epoch = kNoLeaderEpoch;  // newest leader epoch seen for the partition
  };

  void sender_loop();
  bool batch_ready(const Batch& b, sim::Instant now) const;
  void send_to(BrokerId broker, std::vector<Batch*> batches);
  void on_response(BrokerId broker, std::vector<Batch*> batches, std::optional<sim::Payload>&& response);
  void complete(Batch* b, DeliveryOutcome outcome, ErrorCode error, Offset base, BrokerId by, LeaderEpoch epoch);
  void retry_or_fail(Batch* b, ErrorCode error);
  void split_batch(Batch* b);
  bool wait_for_buffer_memory(int64_t size);
  void expire_old_batches(sim::Instant now);
  void remove_batch(Batch* b);
  // Idempotence.
  void maybe_init_producer_id(sim::Instant now);
  void on_init_producer_id(std::optional<sim::Payload>&& response);
  void resolve_sequences();
  bool in_current_epoch(const PartitionSequences& s) const {
    return s.producer_id == producer_id_ && s.epoch == producer_epoch_;
  }
  // The sequence the broker expects after `seq` (0 after none).
  static int32_t next_sequence_after(int32_t seq);
  // Whether a sequence after `seq` was acknowledged in the partition's current sequences.
  static bool acknowledged_after(const PartitionSequences& s, int32_t seq);
  bool idempotent_ready(const PartitionQueue& partition, const Batch& b) const;
  void assign_sequence(Batch& b);
  void on_sequence_error(Batch* b, ErrorCode error, LeaderEpoch responder_epoch);
  void on_idempotent_ack(Batch* b);
  void record_send(Batch* b, BrokerId broker);
  void record_answer(Batch* b, AttemptAnswer answer, Offset offset = Offset{-1}, ErrorCode error = ErrorCode::kNone);

  RpcEndpoint& rpc_;
  ClientMetadata& metadata_;
  ProducerConfig config_;
  ProducerListener& listener_;
  int index_;
  Partitioner partitioner_;
  // Per partition: its batches in send order (a list: callbacks hold pointers to in-flight
  // batches) and, with idempotence, its sequences. One entry for both, and each batch points
  // at its entry, so the sender loop and the response path find a partition's state without
  // a map lookup (they run for every batch on every turn).
  struct PartitionQueue {
    TopicPartition tp;
    std::list<Batch> batches;
    PartitionSequences sequences;
    size_t last_batch_records = 1;  // records in the last batch sent: the next one's capacity
  };
  // The queues, by topic then partition number: send() runs once per record and finds its
  // queue without a TopicPartition search. Entries are never erased, so pointers to them
  // stay valid.
  TopicMap<std::vector<std::unique_ptr<PartitionQueue>>> queues_;
  // The partitions the sender loop's three passes (expire, resolve, drain) must look at, in
  // TopicPartition order: every queue holding a batch or an unresolved sequence (and maybe a
  // few that no longer do, dropped at the end of each turn). A producer writing to a few of a
  // topic's 10,000 partitions at a time then pays per turn for those, not for every partition
  // it ever wrote to. A queue is added when it gets a batch; its flags are only set while it
  // holds one.
  std::map<TopicPartition, PartitionQueue*> active_queues_;
  void forget_idle_queues();
  PartitionQueue& queue_for(const TopicPartition& tp);
  std::map<BrokerId, int> in_flight_;
  size_t queued_records_ = 0;
  int64_t queued_bytes_ = 0;
  ProducerId producer_id_ = kNoProducerId;
  int16_t producer_epoch_ = kNoProducerEpoch;
  bool init_in_flight_ = false;
  sim::Instant init_retry_after_;
  size_t init_broker_ = 0;
  sim::WaitQueue wakeup_{"producer sender"};
  sim::WaitQueue drained_{"producer flush"};
  sim::WaitQueue memory_freed_{"producer buffer.memory"};
};

}  // namespace broker_model
