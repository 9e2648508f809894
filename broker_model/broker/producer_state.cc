#include "broker_model/broker/producer_state.h"

#include <algorithm>
#include <string>

#include "broker_model/txn/control_batch.h"

namespace broker_model {

int32_t ProducerStateTable::last_sequence_of(const storage::RecordBatch& batch) {
  // base_sequence + last_offset_delta, wrapping past INT32_MAX as Kafka's
  // DefaultRecordBatch.incrementSequence does.
  int64_t last = int64_t{batch.base_sequence} + std::max(0, batch.last_offset_delta);
  if (last > INT32_MAX) last -= int64_t{INT32_MAX} + 1;
  return static_cast<int32_t>(last);
}

const ProducerStateEntry* ProducerStateTable::entry(ProducerId id) const {
  auto it = entries_.find(id);
  return it == entries_.end() ? nullptr : &it->second;
}

ProducerCheckResult ProducerStateTable::check(const storage::RecordBatch& batch) const {
  ProducerCheckResult r;
  if (batch.producer_id == kNoProducerId) return r;  // not idempotent: nothing to check
  if (txn::is_control(batch)) {
    // A transaction marker from the coordinator: no sequence; an epoch older than the
    // producer's is a zombie's transaction ending late (Kafka's ProducerAppendInfo.
    // appendEndTxnMarker -> checkProducerEpoch: INVALID_PRODUCER_EPOCH).
    const ProducerStateEntry* e = entry(batch.producer_id);
    if (e != nullptr && batch.producer_epoch < e->producer_epoch) {
      r.verdict = ProducerCheck::kReject;
      r.error = ErrorCode::kInvalidProducerEpoch;
      r.reason = "marker epoch " + std::to_string(batch.producer_epoch) + " is older than the producer's epoch " +
                 std::to_string(e->producer_epoch);
    }
    return r;
  }
  if (batch.producer_epoch < 0 || batch.base_sequence < 0) {
    r.verdict = ProducerCheck::kReject;
    r.error = ErrorCode::kInvalidRecord;
    r.reason = "idempotent batch without an epoch or a sequence";
    return r;
  }
  const ProducerStateEntry* e = entry(batch.producer_id);
  if (e == nullptr) return r;  // unknown producer: any sequence (KIP-360)
  int32_t first = batch.base_sequence;
  int32_t last = last_sequence_of(batch);
  if (batch.producer_epoch < e->producer_epoch) {
    r.verdict = ProducerCheck::kReject;
    r.error = ErrorCode::kInvalidProducerEpoch;
    r.reason = "epoch " + std::to_string(batch.producer_epoch) + " is older than the producer's current epoch " +
               std::to_string(e->producer_epoch);
    return r;
  }
  if (batch.producer_epoch > e->producer_epoch) {
    if (first == 0) return r;
    r.verdict = ProducerCheck::kReject;
    r.error = ErrorCode::kOutOfOrderSequenceNumber;
    r.reason = "new epoch " + std::to_string(batch.producer_epoch) + " must start at sequence 0, got " +
               std::to_string(first);
    return r;
  }
  for (const ProducerBatchMetadata& b : e->batches) {
    if (b.first_sequence == first && b.last_sequence == last) {
      r.verdict = ProducerCheck::kDuplicate;
      r.duplicate_of = b;
      return r;
    }
  }
  if (e->batches.empty() || first == next_sequence(e->last_sequence())) return r;
  r.verdict = ProducerCheck::kReject;
  r.error = ErrorCode::kOutOfOrderSequenceNumber;
  r.reason = "expected sequence " + std::to_string(next_sequence(e->last_sequence())) + " (epoch " +
             std::to_string(e->producer_epoch) + "), got " + std::to_string(first) + ".." + std::to_string(last);
  return r;
}

void ProducerStateTable::update(const storage::RecordBatch& batch) {
  if (batch.producer_id == kNoProducerId || batch.producer_epoch < 0) return;
  ProducerStateEntry& e = entries_[batch.producer_id];
  e.producer_id = batch.producer_id;
  if (batch.producer_epoch < e.producer_epoch) return;
  if (batch.producer_epoch > e.producer_epoch) {
    e.producer_epoch = batch.producer_epoch;
    e.batches.clear();
  }
  if (txn::is_control(batch)) return;  // a marker: an epoch (maybe bumped), no sequences
  // Applied already (a rebuild scan and a follower append can both see one batch).
  if (!e.batches.empty() && batch.base_offset <= e.batches.back().last_offset) return;
  e.batches.push_back(
      ProducerBatchMetadata{batch.base_sequence, last_sequence_of(batch), batch.base_offset, batch.last_offset()});
  while (e.batches.size() > batches_max_) e.batches.pop_front();
}

}  // namespace broker_model
