#include "broker_model/storage/tail_cache.h"

#include <iterator>

namespace broker_model::storage {

bool TailCache::round_trips(const RecordBatch& batch) {
  if (batch.magic != kMagicV2 || batch.records.empty() || batch.last_offset_delta != batch.record_count() - 1)
    return false;
  for (const Record& r : batch.records)
    if (r.value_padding < 0) return false;  // encoded as "no padding": decodes as 0
  return true;
}

void TailCache::append(RecordBatch batch, uint32_t crc, int64_t size_bytes, uint64_t generation) {
  if (generation != generation_ || !round_trips(batch)) {
    clear();
    generation_ = generation;
    if (!round_trips(batch)) return;
  }
  batch.crc = crc;
  bytes_ += size_bytes;
  entries_.push_back(Entry{std::move(batch), size_bytes});
  while (bytes_ > kTailCacheBytesMax && entries_.size() > 1) {
    bytes_ -= entries_.front().size_bytes;
    entries_.pop_front();
  }
}

void TailCache::truncate_to(Offset log_end_offset) {
  while (!entries_.empty() && entries_.back().batch.next_offset() > log_end_offset) {
    bytes_ -= entries_.back().size_bytes;
    entries_.pop_back();
  }
  if (!entries_.empty() && entries_.back().batch.next_offset() != log_end_offset) clear();
}

void TailCache::drop_before(Offset log_start_offset) {
  while (!entries_.empty() && entries_.front().batch.next_offset() <= log_start_offset) {
    bytes_ -= entries_.front().size_bytes;
    entries_.pop_front();
  }
}

void TailCache::clear() {
  entries_.clear();
  bytes_ = 0;
}

std::vector<RecordBatch> TailCache::read(Offset start_offset, int64_t max_bytes, Offset max_offset, bool min_one_batch,
                                         int64_t& bytes) const {
  std::vector<RecordBatch> out;
  bytes = 0;
  // The first batch whose last offset is >= start_offset, searched from the end: readers
  // ask for the last few batches (or none, at the log end) far more often than for old ones.
  auto it = entries_.end();
  while (it != entries_.begin() && std::prev(it)->batch.last_offset() >= start_offset) --it;
  for (; it != entries_.end(); ++it) {
    if (it->batch.last_offset() >= max_offset) break;
    if (bytes + it->size_bytes > max_bytes && !(min_one_batch && out.empty())) break;
    out.push_back(it->batch);
    bytes += it->size_bytes;
  }
  return out;
}

}  // namespace broker_model::storage
