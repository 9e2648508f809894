#include "broker_model/txn/control_batch.h"

#include <cstring>

namespace broker_model::txn {

namespace {
constexpr const char* kCommitKey = "COMMIT";
constexpr const char* kAbortKey = "ABORT";
}  // namespace

const char* to_string(MarkerType t) { return t == MarkerType::kCommit ? "COMMIT" : "ABORT"; }

storage::RecordBatch make_marker_batch(ProducerId producer_id, int16_t producer_epoch, MarkerType type,
                                       int32_t coordinator_epoch, int64_t timestamp_ms) {
  storage::Record r;
  r.timestamp_ms = timestamp_ms;
  r.key = type == MarkerType::kCommit ? kCommitKey : kAbortKey;
  // The value: the coordinator epoch (Kafka's EndTransactionMarker value). Four bytes, so a
  // reader looking for an 8-byte workload record id finds none (record_id_of is 0).
  r.value.resize(4);
  std::memcpy(r.value.data(), &coordinator_epoch, 4);
  storage::RecordBatch b = storage::RecordBatch::of(storage::SharedRecords(std::vector<storage::Record>{std::move(r)}));
  b.attributes = static_cast<int16_t>(kTransactionalFlag | kControlFlag);
  b.producer_id = producer_id;
  b.producer_epoch = producer_epoch;
  b.base_sequence = kNoSequence;  // control batches carry no sequence (Kafka's too)
  return b;
}

std::optional<MarkerType> marker_of(const storage::RecordBatch& b) {
  if (!is_control(b) || b.records.size() != 1 || !b.records[0].key) return std::nullopt;
  const std::string& k = *b.records[0].key;
  if (k == kCommitKey) return MarkerType::kCommit;
  if (k == kAbortKey) return MarkerType::kAbort;
  return std::nullopt;
}

}  // namespace broker_model::txn
