// The tail of a partition log kept in process memory, decoded: the batches most recently
// appended, as a read of the page cache would return them (CRC included). Followers and
// consumers read the tail almost always, so a broker serves those reads from here instead
// of copying bytes out of the simulated disk and decoding them again; reads of anything
// older go to the disk. Like the rest of process memory it is gone after a crash.
//
// Invariant kept by PartitionLog: the batches are contiguous and the last one ends at the
// log end offset (or the cache is empty). Bounded by kTailCacheBytesMax encoded bytes.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "broker_model/storage/record_batch.h"

namespace broker_model::storage {

// 512 KiB of encoded batches per partition: several seconds of a busy partition, enough for
// followers and for consumers catching up after a failover. It was 1 MiB, which kept ~600,000
// decoded records of a default run alive, most never read again; 128 KiB saved another 20 MB
// but sent catching-up consumers to the disk (+6% instructions in bench/default-short.yaml).
inline constexpr int64_t kTailCacheBytesMax = int64_t{512} << 10;

class TailCache {
 public:
  struct Entry {
    RecordBatch batch;
    int64_t size_bytes = 0;  // encoded size: the log positions a disk read would count
  };

  bool empty() const { return entries_.empty(); }
  int64_t bytes() const { return bytes_; }
  const std::deque<Entry>& entries() const { return entries_; }
  // The disk generation the cached copies were taken under (sim::Files::generation).
  uint64_t generation() const { return generation_; }

  // Whether `batch` reads back from its encoding exactly as it is in memory; other batches
  // are not cached (a read of them must go through decode, which may reject them).
  static bool round_trips(const RecordBatch& batch);

  // Adds the batch just written (its encoding had CRC `crc` and `size_bytes` bytes) under
  // disk generation `generation`; a batch that does not round-trip, or a generation change,
  // empties the cache instead.
  void append(RecordBatch batch, uint32_t crc, int64_t size_bytes, uint64_t generation);
  // Whether the batch holding `offset` is cached (offsets at the log end count as covered).
  bool covers(Offset offset) const { return !entries_.empty() && offset >= entries_.front().batch.base_offset; }
  // After a truncation to `log_end_offset`: drops batches past it.
  void truncate_to(Offset log_end_offset);
  // After retention advanced the log start: drops batches wholly below it.
  void drop_before(Offset log_start_offset);
  void clear();

  // LogSegment::read's rules over the cached batches: whole batches from the one holding
  // `start_offset`, none reaching `max_offset`, up to `max_bytes` (the first one even if
  // larger when `min_one_batch`). `bytes` gets the encoded bytes read.
  std::vector<RecordBatch> read(Offset start_offset, int64_t max_bytes, Offset max_offset, bool min_one_batch,
                                int64_t& bytes) const;

 private:
  std::deque<Entry> entries_;
  int64_t bytes_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace broker_model::storage
