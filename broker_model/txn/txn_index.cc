#include "broker_model/txn/txn_index.h"

#include <algorithm>

#include "broker_model/txn/control_batch.h"

namespace broker_model::txn {

void TxnIndex::update(const storage::RecordBatch& batch) {
  // Applied already (a rebuild scan and a follower append can both see one batch).
  if (batch.base_offset < applied_end_) return;
  applied_end_ = batch.next_offset();
  if (!is_transactional(batch) || batch.producer_id == kNoProducerId) return;
  if (!is_control(batch)) {
    ongoing_.emplace(batch.producer_id, batch.base_offset);  // keeps the first batch's offset
    return;
  }
  std::optional<MarkerType> marker = marker_of(batch);
  auto it = ongoing_.find(batch.producer_id);
  // A marker for a producer with nothing open here ends an empty transaction on this
  // partition (a partition added but never written to, or a retried marker): nothing to index.
  if (it == ongoing_.end() || !marker) return;
  unreplicated_.push_back(Completed{batch.producer_id, it->second, batch.base_offset});
  if (*marker == MarkerType::kAbort) aborted_.push_back(AbortedTxn{batch.producer_id, it->second, batch.base_offset});
  ongoing_.erase(it);
}

void TxnIndex::on_high_watermark(Offset high_watermark) {
  std::erase_if(unreplicated_, [&](const Completed& c) { return c.marker_offset < high_watermark; });
}

std::optional<Offset> TxnIndex::first_unstable_offset() const {
  std::optional<Offset> first;
  for (const auto& [pid, off] : ongoing_)
    if (!first || off < *first) first = off;
  for (const Completed& c : unreplicated_)
    if (!first || c.first_offset < *first) first = c.first_offset;
  return first;
}

Offset TxnIndex::last_stable_offset(Offset high_watermark) const {
  std::optional<Offset> first = first_unstable_offset();
  return first ? std::min(*first, high_watermark) : high_watermark;
}

std::vector<AbortedTxn> TxnIndex::aborted_between(Offset from, Offset to) const {
  std::vector<AbortedTxn> out;
  for (const AbortedTxn& a : aborted_)
    if (a.first_offset < to && a.last_offset >= from) out.push_back(a);
  return out;
}

std::optional<Offset> TxnIndex::ongoing_first_offset(ProducerId producer_id) const {
  auto it = ongoing_.find(producer_id);
  if (it == ongoing_.end()) return std::nullopt;
  return it->second;
}

}  // namespace broker_model::txn
