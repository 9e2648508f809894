// The lab's record of what happened, as Jepsen keeps it: every client operation with its
// invoke and completion times and outcome, what consumers read, what replicas held at the
// end, and a timeline of protocol events (leader elections, ISR changes, truncations) used
// to explain violations. The lab writes it: its client processes record what they invoked and
// what came back, its observer (scenarios/lab_observer.h) what the cluster reported; the
// checkers (checkers.h, group_checkers.h) and the reports read it. It lives outside any
// simulated process, so a crash never loses it.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "checkers/acl_history.h"
#include "checkers/controller_history.h"
#include "checkers/group_history.h"
#include "checkers/ids.h"
#include "checkers/kinesis_history.h"
#include "checkers/pipeline_history.h"
#include "checkers/replica_invariants.h"
#include "sim/time.h"

namespace checkers {

// A produced record's identity, carried in the first 8 bytes of its value:
// producer index << 40 | sequence within that producer.
inline uint64_t make_record_id(uint32_t producer, uint64_t seq) { return (uint64_t{producer} << 40) | seq; }
std::string format_record_id(uint64_t id);  // "p3#17"

// The producer index the lab's final phase records its liveness probes under (one record per
// partition): they are not the workload's, and workload counts leave them out.
inline constexpr int kLivenessProbeProducer = 0xFFFF;

enum class OpOutcome : uint8_t { kPending, kOk, kFailed, kUnknown };
const char* to_string(OpOutcome o);

// One per produced record (600,000 in a default run, so its size is the history's size):
// fields ordered so that none is padded, and the error a static name rather than a string
// (80 bytes instead of 128 on x86-64: 29 MB less memory touched by a default run). Build it
// by field name: the declaration order is a layout choice.
struct ProduceOp {
  uint64_t record_id = 0;
  TopicPartition tp;
  sim::Instant invoked;
  sim::Instant completed;
  // Kafka error name when failed ("" otherwise): always a static string (to_string(ErrorCode)
  // or one of the producer's own reasons), never owned.
  const char* error = "";
  Offset offset{-1};          // assigned offset when acknowledged
  int producer = 0;
  BrokerId acked_by = kNoBroker;
  LeaderEpoch leader_epoch = kNoLeaderEpoch;
  int attempts = 0;
  OpOutcome outcome = OpOutcome::kPending;
};
static_assert(sizeof(void*) != 8 || sizeof(ProduceOp) <= 80, "ProduceOp grew: see the note above it");

// One send of a produce batch. Kept only for batches sent more than once: the retries that,
// without idempotence, put one record at two offsets (checkers tell that story from these).
struct ProduceAttempt {
  int producer = 0;
  TopicPartition tp;
  int attempt = 0;                 // 1: the first send
  sim::Instant sent;
  sim::Instant answered;           // response or timeout
  BrokerId broker = kNoBroker;
  std::string result;              // "acknowledged at offset 812", "REQUEST_TIMED_OUT", "no response"
  ProducerId producer_id = kNoProducerId;  // kNoProducerId: not idempotent
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  std::vector<size_t> ops;         // the batch's records: indexes into History::produces()
};

struct ConsumeOp {
  int consumer = 0;
  TopicPartition tp;
  Offset offset;
  uint64_t record_id = 0;
  sim::Instant at;
  BrokerId from = kNoBroker;
  // First record after the consumer reset its position (log truncation detected, offset
  // out of range): going backwards here is the protocol working, not an order violation.
  bool position_reset = false;
};

struct TimelineEvent {
  sim::Instant at;
  // "leader", "leader (unclean)", "follower", "isr", "truncate", "retention", "duplicate-batch",
  // "controller-leader", "consumer-reset", "fault", ... (the lab names them from the events)
  std::string kind;
  TopicPartition tp; // empty topic: not about one partition
  BrokerId broker = kNoBroker;
  std::string detail;
};

// Offsets a replica's log gave up, as the broker reported it: retention deleting segments at
// the start ([from, to) gone: to is the new log start), or a truncation at the end ([to, from)
// gone: from was the log end). The durability checks tell retention from loss with these.
struct LogCut {
  sim::Instant at;
  TopicPartition tp;
  BrokerId broker = kNoBroker;
  Offset from;
  Offset to;
  bool retention = false;  // else a truncation of the log's end
};

// A produce to a compacted topic (cleanup.policy=compact): its key, and whether it was a
// tombstone (a null value: "delete this key"). The compaction oracle needs both.
struct KeyedProduce {
  std::string key;
  bool tombstone = false;
};

struct ReplicaState {
  BrokerId broker;
  TopicPartition tp;
  Offset log_start_offset;
  Offset log_end_offset;
  Offset high_watermark;
  LeaderEpoch leader_epoch;
  bool leader = false;
  std::vector<BrokerId> isr;
  std::vector<std::pair<Offset, uint64_t>> records;  // offset -> record id, whole log
};

// Partition reassignment (KIP-455) as the lab's admin asked for it: the replicas each
// partition must end with (the last target asked wins), and the bytes its new replicas
// fetched, summed per interval of kMovedBytesInterval (the reassignment checker and the
// report's moved-bytes chart).
struct ReassignmentHistory {
  static constexpr sim::Duration kMovedBytesInterval = sim::milliseconds(100);
  std::map<TopicPartition, std::vector<BrokerId>> targets;
  std::map<int64_t, int64_t> moved_bytes;  // interval index (time / interval) -> bytes
  int64_t moved_bytes_total = 0;
  void moved(sim::Instant at, int64_t bytes) {
    moved_bytes[at.ns() / kMovedBytesInterval.ns()] += bytes;
    moved_bytes_total += bytes;
  }
};

// What the final read saw of each record besides its id, from its batch's header: who wrote
// it (producer id and sequence; -1 without idempotence) and the leader epoch that appended it.
// For final_log.jsonl, so a run's counts can be recomputed from its files.
struct FinalRecordMeta {
  ProducerId producer_id = kNoProducerId;
  int32_t sequence = -1;
  LeaderEpoch leader_epoch = kNoLeaderEpoch;
  // A transactional record's fate as the log itself tells it (the final reader follows the
  // COMMIT and ABORT markers after it): kNone for a record outside any transaction.
  enum class Txn : uint8_t { kNone, kCommitted, kAborted, kOpen };
  Txn txn = Txn::kNone;
};

struct FinalRead {
  TopicPartition tp;
  bool complete = false;  // read to the high watermark of a live leader
  Offset start_offset{0};  // where the read began: the leader's log start, or 0
  Offset high_watermark{-1};  // the leader's, when the read reached it
  std::vector<std::pair<Offset, uint64_t>> records;
  std::vector<FinalRecordMeta> meta;  // one per record, same order
};

// What leaders did with fetch sessions (KIP-227), counted over the run (all brokers, all
// incarnations): for tests and reports that must see the session paths taken.
struct FetchSessionStats {
  int64_t created = 0;             // sessions created for full fetches
  int64_t not_created = 0;         // full fetches that asked for a session and found no room
  int64_t evicted = 0;             // sessions evicted to make room for another
  int64_t incremental = 0;         // incremental fetches answered
  int64_t partitions_omitted = 0;  // partitions left out of incremental answers (nothing new)
  int64_t id_not_found = 0;        // FETCH_SESSION_ID_NOT_FOUND answered
  int64_t invalid_epoch = 0;       // INVALID_FETCH_SESSION_EPOCH answered
};

// A transaction of a transactional producer (KIP-98), as its client saw it: the records it
// sent in it (indexes into History::produces()), whether the application meant to commit or
// abort it, and what came of EndTxn.
enum class TxnResult : uint8_t { kCommitted, kAborted, kUnknown };
const char* to_string(TxnResult r);
struct TxnOp {
  int producer = 0;
  int64_t number = 0;  // the producer's n-th transaction, from 1
  ProducerId producer_id = kNoProducerId;
  int16_t producer_epoch = -1;
  std::vector<size_t> ops;
  sim::Instant begun;
  sim::Instant end_invoked;  // commitTransaction / abortTransaction called
  sim::Instant completed;
  bool commit_intended = true;
  TxnResult result = TxnResult::kUnknown;
  std::string note;  // why it ended as it did ("EndTxn(commit) acknowledged", the error, ...)
  // Consume-transform-produce: the consumed offsets sent with it (sendOffsetsToTransaction),
  // the group, and the member's generation then.
  std::string group;
  int32_t generation = -1;
  std::vector<std::pair<TopicPartition, Offset>> offsets;
};

// Consume-transform-produce (checkers/ctp_checkers.h): an output record and the input record
// it was made from, written by the lab's member when it sends the output.
struct CtpLink {
  uint64_t output_record_id = 0;
  uint64_t input_record_id = 0;
  TopicPartition input_tp;
  Offset input_offset{-1};
  int consumer = 0;
  size_t transaction = 0;  // index into History::transactions()
};

// The producer index a consume-transform-produce member's producer records under: the
// member's consumer index plus this (output record ids carry it).
inline constexpr int kCtpProducerBase = 0x1000;

class History {
 public:
  // Room for the operations a run is expected to record, so the vectors do not move (and
  // copy) hundreds of megabytes of operations as they grow. Only a hint.
  void reserve(size_t produces, size_t consumes) {
    produces_.reserve(produces);
    consumes_.reserve(consumes);
  }
  size_t begin_produce(ProduceOp op) {
    produces_.push_back(std::move(op));
    return produces_.size() - 1;
  }
  ProduceOp& produce(size_t index) { return produces_[index]; }
  void produce_attempt(ProduceAttempt a) { produce_attempts_.push_back(std::move(a)); }
  void consumed(ConsumeOp op) { consumes_.push_back(std::move(op)); }
  void timeline(TimelineEvent e) { timeline_.push_back(std::move(e)); }
  void log_cut(LogCut c) { log_cuts_.push_back(c); }
  void replica_state(ReplicaState s) { replicas_.push_back(std::move(s)); }
  void final_read(FinalRead r) { final_reads_.push_back(std::move(r)); }

  const std::vector<ProduceOp>& produces() const { return produces_; }
  const std::vector<ProduceAttempt>& produce_attempts() const { return produce_attempts_; }
  const std::vector<ConsumeOp>& consumes() const { return consumes_; }
  const std::vector<TimelineEvent>& timeline_events() const { return timeline_; }
  const std::vector<LogCut>& log_cuts() const { return log_cuts_; }
  const std::vector<ReplicaState>& replicas() const { return replicas_; }
  const std::vector<FinalRead>& final_reads() const { return final_reads_; }

  // Consumer groups (written by coordinators and group members, read by the group checkers).
  GroupHistory& groups() { return groups_; }
  const GroupHistory& groups() const { return groups_; }

  // The replicas' invariants, checked as their high-watermark reports arrive
  // (replica_invariants.h).
  ReplicaInvariants& replica_invariants() { return replica_invariants_; }
  const ReplicaInvariants& replica_invariants() const { return replica_invariants_; }

  // The controller quorum's elections and commits (controller_checkers.h).
  ControllerHistory& controller() { return controller_; }
  const ControllerHistory& controller() const { return controller_; }

  // Transactions (checkers/txn_checkers.h): each transaction as its producer saw it, and the
  // consumers that read with isolation.level=read_committed.
  size_t begin_transaction(TxnOp t) {
    transactions_.push_back(std::move(t));
    return transactions_.size() - 1;
  }
  TxnOp& transaction(size_t index) { return transactions_[index]; }
  const std::vector<TxnOp>& transactions() const { return transactions_; }
  void set_read_committed(int consumer) { read_committed_consumers_.insert(consumer); }
  void ctp_link(CtpLink l) { ctp_links_.push_back(std::move(l)); }
  const std::vector<CtpLink>& ctp_links() const { return ctp_links_; }
  // Input topic -> output topic of the scenario's consume-transform-produce pipelines.
  void ctp_pipeline(const std::string& input, const std::string& output) { ctp_pipelines_[input] = output; }
  const std::map<std::string, std::string>& ctp_pipelines() const { return ctp_pipelines_; }
  bool read_committed(int consumer) const { return read_committed_consumers_.count(consumer) != 0; }

  // Access control (checkers/acl_checkers.h): ACL changes, their application, accepted accesses.
  AclHistory& acl() { return acl_; }
  const AclHistory& acl() const { return acl_; }

  // Kinesis (checkers/kinesis_checkers.h): partition keys, throttles, leases, checkpoints.
  KinesisHistory& kinesis() { return kinesis_; }
  const KinesisHistory& kinesis() const { return kinesis_; }
  // The pipeline (checkers/pipeline_checkers.h): devices, rule, queue, function, sink, store.
  PipelineHistory& pipeline() { return pipeline_; }
  const PipelineHistory& pipeline() const { return pipeline_; }
  ReassignmentHistory& reassignments() { return reassignments_; }
  const ReassignmentHistory& reassignments() const { return reassignments_; }
  FetchSessionStats& fetch_sessions() { return fetch_sessions_; }
  const FetchSessionStats& fetch_sessions() const { return fetch_sessions_; }

  // Compacted topics and their delete.retention.ms (how long a tombstone that is its key's
  // latest record must be kept), and the keys of the produces to them, by produce index.
  void compacted_topic(const std::string& topic, sim::Duration delete_retention) { compacted_topics_[topic] = delete_retention; }
  const std::map<std::string, sim::Duration>& compacted_topics() const { return compacted_topics_; }
  void keyed_produce(size_t index, KeyedProduce k) { keyed_produces_[index] = std::move(k); }
  const std::map<size_t, KeyedProduce>& keyed_produces() const { return keyed_produces_; }
  // When the run ended (the checkers' "now", e.g. for tombstones past their retention).
  void set_end(sim::Instant end) { end_ = end; }
  sim::Instant end() const { return end_; }

  // The client.id a scenario gave a workload client: stories then name it "producer 2
  // (client.id billing)" instead of "producer 2" alone.
  void set_producer_client_id(int index, std::string client_id) { producer_client_ids_[index] = std::move(client_id); }
  void set_consumer_client_id(int index, std::string client_id) { consumer_client_ids_[index] = std::move(client_id); }
  std::string producer_name(int index) const { return client_name("producer ", index, producer_client_ids_); }
  std::string consumer_name(int index) const { return client_name("consumer ", index, consumer_client_ids_); }

 private:
  std::vector<ProduceOp> produces_;
  std::vector<ProduceAttempt> produce_attempts_;
  std::vector<ConsumeOp> consumes_;
  std::vector<TimelineEvent> timeline_;
  std::vector<LogCut> log_cuts_;
  std::vector<ReplicaState> replicas_;
  std::vector<FinalRead> final_reads_;
  GroupHistory groups_;
  KinesisHistory kinesis_;
  PipelineHistory pipeline_;
  AclHistory acl_;
  FetchSessionStats fetch_sessions_;
  ReassignmentHistory reassignments_;
  ControllerHistory controller_;
  ReplicaInvariants replica_invariants_;
  std::map<std::string, sim::Duration> compacted_topics_;
  std::map<size_t, KeyedProduce> keyed_produces_;
  std::vector<TxnOp> transactions_;
  std::set<int> read_committed_consumers_;
  std::vector<CtpLink> ctp_links_;
  std::map<std::string, std::string> ctp_pipelines_;
  sim::Instant end_;
  std::map<int, std::string> producer_client_ids_;
  std::map<int, std::string> consumer_client_ids_;

  static std::string client_name(const char* kind, int index, const std::map<int, std::string>& ids) {
    auto it = ids.find(index);
    return kind + std::to_string(index) + (it == ids.end() ? "" : " (client.id " + it->second + ")");
  }
};

}  // namespace checkers
