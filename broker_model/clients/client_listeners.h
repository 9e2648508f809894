// What clients tell their caller, as Kafka's client APIs do: a producer's send callback, a
// consumer's records, a group member's rebalance callbacks (ConsumerRebalanceListener) and
// commit outcomes (OffsetCommitCallback). The caller (the lab's workload processes) decides
// what to do with them; clients know nothing of any record kept of them. Listeners run on
// the client's own threads, inside the simulation; they must not block unless said so.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "broker_model/errors.h"
#include "broker_model/types.h"

namespace broker_model {

// ---- producer --------------------------------------------------------------------------------

enum class DeliveryOutcome : uint8_t {
  kAcknowledged,  // written at base_offset + the record's place in the batch
  kFailed,        // certainly not written
  kUnknown,       // a timeout or an error after the append: it may or may not be in the log
};

struct DeliveryReport {
  TopicPartition tp;
  DeliveryOutcome outcome = DeliveryOutcome::kFailed;
  ErrorCode error = ErrorCode::kNone;  // failed or unknown: the last error (kNone: none, e.g. acks=0)
  Offset base_offset{-1};              // acknowledged: the batch's first offset
  BrokerId broker = kNoBroker;         // acknowledged by
  LeaderEpoch leader_epoch = kNoLeaderEpoch;
  int attempts = 0;                    // sends of the batch
};

// Kafka's send() Callback, once per batch rather than per record (a default run sends
// 600,000 records): `tokens` are the batch's records as send() was given them, in send
// order. Called once per record sent, never for a record send() refused.
class ProducerListener {
 public:
  virtual ~ProducerListener() = default;
  virtual void on_completion(std::span<const uint64_t> tokens, const DeliveryReport& report) = 0;
};

// ---- consumer --------------------------------------------------------------------------------

struct ConsumedRecord {
  TopicPartition tp;
  Offset offset;
  uint64_t record_id = 0;
  int64_t timestamp_ms = 0;  // the record's timestamp (CreateTime: the producer's clock)
  int64_t bytes = 0;         // its size as Kafka carries it (key, value, padding, overhead)
};

// A consumer in assign mode hands every record it reads here, in offset order per partition.
class ConsumerListener {
 public:
  virtual ~ConsumerListener() = default;
  // `from`: the broker it was read from. `after_reset`: the first record after the consumer
  // reset its position (truncation detected, offset out of range), so going back here is the
  // protocol working.
  virtual void on_record(const ConsumedRecord& r, BrokerId from, bool after_reset) = 0;
};

// ---- group member ----------------------------------------------------------------------------

enum class CommitOutcome : uint8_t { kOk, kFailed, kUnknown };

struct CommitReport {
  uint64_t request = 0;  // as on_commit_sent numbered it
  bool sync = true;
  const std::map<TopicPartition, Offset>& offsets;
  const std::string& member_id;  // the member and generation the commit was sent as
  int32_t generation = -1;
  CommitOutcome outcome = CommitOutcome::kOk;
  ErrorCode error = ErrorCode::kNone;  // kFailed: why
};

// A member's application. The rebalance callbacks run inside poll() (or commit_sync()), on
// the application's thread, and may block (commit on revocation); the others must not.
class GroupConsumerListener {
 public:
  virtual ~GroupConsumerListener() = default;
  // ConsumerRebalanceListener: given up before a rebalance (a commit is still possible),
  // newly assigned (called after every completed rebalance, with nothing new too), lost
  // (fenced: another member may own them already).
  virtual void on_partitions_revoked(const std::vector<TopicPartition>&) {}
  virtual void on_partitions_assigned(const std::vector<TopicPartition>&) {}
  virtual void on_partitions_lost(const std::vector<TopicPartition>&) {}
  // Owned partitions the member keeps into a new generation (cooperative or sticky); Kafka
  // has no callback for these, the ownership simply goes on.
  virtual void on_partitions_kept(const std::vector<TopicPartition>&, int32_t /*previous_generation*/) {}
  // A commit request leaves (a retry of commit_sync is a new request), then its outcome
  // (OffsetCommitCallback, for synchronous commits too).
  virtual void on_commit_sent(uint64_t /*request*/) {}
  virtual void on_commit_completed(const CommitReport&) {}
};

}  // namespace broker_model
