// The lab's record of what happened, as Jepsen keeps it: every client operation with its
// invoke and completion times and outcome, what consumers read, what replicas held at the
// end, and a timeline of protocol events (leader elections, ISR changes, truncations) used
// to explain violations. The lab writes it: its client processes record what they invoked and
// what came back, its observer (scenarios/lab_observer.h) what the cluster reported; the
// checkers (checkers.h, group_checkers.h) and the reports read it. It lives outside any
// simulated process, so a crash never loses it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checkers/controller_history.h"
#include "checkers/group_history.h"
#include "checkers/ids.h"
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

struct FinalRead {
  TopicPartition tp;
  bool complete = false;  // read to the high watermark of a live leader
  std::vector<std::pair<Offset, uint64_t>> records;
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
  void replica_state(ReplicaState s) { replicas_.push_back(std::move(s)); }
  void final_read(FinalRead r) { final_reads_.push_back(std::move(r)); }

  const std::vector<ProduceOp>& produces() const { return produces_; }
  const std::vector<ProduceAttempt>& produce_attempts() const { return produce_attempts_; }
  const std::vector<ConsumeOp>& consumes() const { return consumes_; }
  const std::vector<TimelineEvent>& timeline_events() const { return timeline_; }
  const std::vector<ReplicaState>& replicas() const { return replicas_; }
  const std::vector<FinalRead>& final_reads() const { return final_reads_; }

  // Consumer groups (written by coordinators and group members, read by the group checkers).
  GroupHistory& groups() { return groups_; }
  const GroupHistory& groups() const { return groups_; }

  // The controller quorum's elections and commits (controller_checkers.h).
  ControllerHistory& controller() { return controller_; }
  const ControllerHistory& controller() const { return controller_; }

  FetchSessionStats& fetch_sessions() { return fetch_sessions_; }
  const FetchSessionStats& fetch_sessions() const { return fetch_sessions_; }

 private:
  std::vector<ProduceOp> produces_;
  std::vector<ProduceAttempt> produce_attempts_;
  std::vector<ConsumeOp> consumes_;
  std::vector<TimelineEvent> timeline_;
  std::vector<ReplicaState> replicas_;
  std::vector<FinalRead> final_reads_;
  GroupHistory groups_;
  FetchSessionStats fetch_sessions_;
  ControllerHistory controller_;
};

}  // namespace checkers
