// The idempotent producer's state on one partition replica (Kafka's ProducerStateManager /
// ProducerStateEntry / ProducerAppendInfo): per producer id, its current epoch and the
// metadata of its last kMaxBatchesPerProducer batches (sequence range and offsets).
//
// The leader checks every idempotent batch before appending it (check()):
//   - an epoch below the producer's current one: INVALID_PRODUCER_EPOCH (fenced);
//   - same epoch, a sequence range equal to one of the cached batches: a duplicate (a retry
//     of a batch already in the log): the produce succeeds with the *original* offsets
//     (Kafka's DUPLICATE_SEQUENCE semantics), nothing is appended;
//   - same epoch, first sequence not last sequence + 1: OUT_OF_ORDER_SEQUENCE_NUMBER;
//   - a newer epoch must start at sequence 0 (else OUT_OF_ORDER_SEQUENCE_NUMBER);
//   - a producer with no state here is accepted at any sequence, as Kafka does since
//     KIP-360 (its earlier batches are not in this log, so the batch cannot be a duplicate).
// Every replica, leader or follower, applies every appended batch (update()), so a follower
// taking over has the state; after a truncation or a restart the state is rebuilt by
// scanning the log (Partition does that: no snapshots).
//
// Five cached batches is what makes max.in.flight.requests.per.connection <= 5 safe: a
// retried batch is at most five batches behind the producer's last one.
#pragma once

#include <climits>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include "broker_model/errors.h"
#include "broker_model/storage/record_batch.h"
#include "broker_model/types.h"

namespace broker_model {

struct ProducerBatchMetadata {
  int32_t first_sequence = kNoSequence;
  int32_t last_sequence = kNoSequence;
  Offset first_offset{-1};
  Offset last_offset{-1};
  bool operator==(const ProducerBatchMetadata&) const = default;
};

struct ProducerStateEntry {
  ProducerId producer_id = kNoProducerId;
  int16_t producer_epoch = kNoProducerEpoch;
  std::deque<ProducerBatchMetadata> batches;  // oldest first, at most kMaxBatchesPerProducer
  int32_t last_sequence() const { return batches.empty() ? kNoSequence : batches.back().last_sequence; }
};

enum class ProducerCheck : uint8_t { kAppend, kDuplicate, kReject };

struct ProducerCheckResult {
  ProducerCheck verdict = ProducerCheck::kAppend;
  ErrorCode error = ErrorCode::kNone;         // with kReject
  ProducerBatchMetadata duplicate_of;         // with kDuplicate: where the batch already is
  std::string reason;                         // with kReject: for traces
};

class ProducerStateTable {
 public:
  // Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN.
  static constexpr size_t kMaxBatchesPerProducer = 5;

  ProducerStateTable() = default;
  // The bug zoo's pre-kafka-5494-one-batch keeps one batch (variants.h).
  explicit ProducerStateTable(size_t batches_max) : batches_max_(batches_max) {}
  size_t batches_max() const { return batches_max_; }

  // Leader-side validation of a batch about to be appended (its offsets are not known yet).
  ProducerCheckResult check(const storage::RecordBatch& batch) const;
  // Records an appended batch (leader or follower; base_offset is its offset in the log).
  // Batches without a producer id are ignored; a batch of an older epoch than the entry's is
  // ignored too (a follower copies what the leader accepted, which never goes backwards).
  void update(const storage::RecordBatch& batch);
  void clear() { entries_.clear(); }

  const ProducerStateEntry* entry(ProducerId id) const;
  size_t producer_count() const { return entries_.size(); }

  // Sequence numbers wrap from INT32_MAX to 0, as Kafka's do.
  static int32_t next_sequence(int32_t seq) { return seq == INT32_MAX ? 0 : seq + 1; }
  static int32_t last_sequence_of(const storage::RecordBatch& batch);

 private:
  std::map<ProducerId, ProducerStateEntry> entries_;
  size_t batches_max_ = kMaxBatchesPerProducer;
};

}  // namespace broker_model
