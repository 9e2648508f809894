// One segment of a partition's log (Kafka's LogSegment): the data file
// `<base offset, 20 digits>.log` holding whole record batches back to back, and its sparse
// offset index `<base offset>.index`. Batches in a segment are contiguous: the first starts
// at the base offset and each starts where the previous one ended.
//
// The segment keeps its size, next offset, largest timestamp and index in memory; the data
// file is the truth and recover() rebuilds everything from it. All I/O goes through the
// node's simulated disk and blocks the calling fiber; the destructor does none.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker_model/errors.h"
#include "broker_model/storage/offset_index.h"
#include "broker_model/storage/record_batch.h"
#include "broker_model/types.h"
#include "sim/files.h"

namespace broker_model::storage {

inline constexpr std::string_view kLogFileSuffix = ".log";
inline constexpr std::string_view kIndexFileSuffix = ".index";

// "<dir>00000000000000000042.log"
std::string segment_file_name(std::string_view dir, Offset base_offset, std::string_view suffix);
// The base offset of a file named by segment_file_name (without the dir), or nullopt.
std::optional<Offset> parse_segment_file_name(std::string_view name, std::string_view suffix);

struct SegmentRecoverResult {
  ErrorCode error = ErrorCode::kNone;
  int64_t valid_bytes = 0;
  int64_t truncated_bytes = 0;      // the torn or corrupt tail cut off
  const char* reason = "none";      // why the tail was cut: a DecodeFailure name or "offset-gap"
  std::vector<BatchHeader> epoch_changes;  // first batch of each run of one leader epoch
};

struct SegmentReadResult {
  ErrorCode error = ErrorCode::kNone;
  std::vector<RecordBatch> batches;
  int64_t bytes = 0;
};

// Called per batch by a scan: the batch's base offset and its records' values (record i is
// at base_offset + i), views valid during the call only.
using BatchValuesVisitor = std::function<void(Offset base_offset, const std::vector<std::string_view>& values)>;

struct SegmentScanResult {
  ErrorCode error = ErrorCode::kNone;  // the disk read failed
  // Why the scan stopped before the end of the segment (a DecodeFailure name, "offset-gap"),
  // or nullptr when it reached it.
  const char* stopped = nullptr;
  Offset next_offset{0};  // one past the last batch passed
};

class LogSegment {
 public:
  // No I/O; then create() (a new segment) or recover() (an existing one).
  LogSegment(sim::Files& disk, std::string_view dir, Offset base_offset, int32_t index_interval_bytes,
             int32_t index_bytes_max);
  LogSegment(LogSegment&&) = default;
  LogSegment& operator=(LogSegment&&) = default;
  LogSegment(const LogSegment&) = delete;
  LogSegment& operator=(const LogSegment&) = delete;

  Offset base_offset() const { return base_offset_; }
  // One past the last offset stored (the base offset while empty).
  Offset next_offset() const { return next_offset_; }
  int64_t size_bytes() const { return size_bytes_; }
  int64_t max_timestamp_ms() const { return max_timestamp_ms_; }
  // The first batch's largest timestamp (kNoTimestamp while empty): what segment.ms counts
  // from (Kafka's rollingBasedTimestamp).
  int64_t rolling_timestamp_ms() const { return rolling_timestamp_ms_; }
  bool empty() const { return size_bytes_ == 0; }
  bool dirty() const { return data_dirty_ || index_.dirty(); }
  const std::string& data_file() const { return data_file_; }
  const std::string& index_file() const { return index_.file(); }
  const OffsetIndex& index() const { return index_; }

  // Creates both files empty.
  ErrorCode create();
  // Scans the data file validating every batch (length, magic, CRC, records, offsets in
  // sequence from the base offset), cuts the first invalid batch and everything after it,
  // rebuilds the index and the in-memory state, and fsyncs the data file if it was cut or
  // had unsynced writes, so that everything recovered is durable.
  SegmentRecoverResult recover();

  // Whether appending `batch_bytes` ending at `batch_last_offset` must go to a new segment:
  // it would pass `segment_bytes`, the index is full, or the offset would not fit the index.
  // With `segment_ms`, also when the batch's `batch_max_timestamp_ms` is more than that after
  // the segment's rolling timestamp (Kafka's LogSegment.shouldRoll, without roll jitter).
  bool should_roll(int64_t batch_bytes, Offset batch_last_offset, int64_t segment_bytes,
                   int64_t batch_max_timestamp_ms = kNoTimestamp, int64_t segment_ms = -1) const;
  // Appends a batch whose base offset is next_offset(); adds an index entry when more than
  // index.interval.bytes were appended since the last one (Kafka's rule). `crc`, when
  // given, gets the CRC the encoding carries.
  ErrorCode append(const RecordBatch& batch, uint32_t* crc = nullptr);

  // Whole batches from the one holding `start_offset`, up to `max_bytes` (the first batch
  // even if larger, when `min_one_batch`), stopping before any batch that reaches
  // `max_offset` (exclusive bound, e.g. the high watermark).
  SegmentReadResult read(Offset start_offset, int64_t max_bytes, Offset max_offset, bool min_one_batch);

  // Every batch from the one holding `from` to byte `end` of the segment (a batch boundary;
  // the segment's size for all of it), in order, as values (visit), from one read of those
  // bytes: each batch validated as read() validates it (decode_values: length, magic, CRC,
  // records) and its offsets following on from the previous batch's, from the segment's
  // base offset. Stops at the first batch that does not pass or does not end by `end`. For
  // the end-of-run dump, which wants every record's id and no Records.
  SegmentScanResult scan(Offset from, int64_t end, const BatchValuesVisitor& visit);

  // Drops every batch holding an offset >= `offset` (a batch holding it is dropped whole).
  ErrorCode truncate_to(Offset offset);
  // fsync of the data file and the index, when they have unsynced writes.
  ErrorCode flush();
  // Removes both files (durable at once on the simulated disk).
  ErrorCode delete_files();

 private:
  int64_t last_index_position() const;

  sim::Files* disk_;
  std::string data_file_;
  OffsetIndex index_;
  Offset base_offset_;
  int32_t index_interval_bytes_;
  Offset next_offset_;
  int64_t size_bytes_ = 0;
  int64_t max_timestamp_ms_ = kNoTimestamp;
  int64_t rolling_timestamp_ms_ = kNoTimestamp;
  int64_t bytes_since_last_index_entry_ = 0;
  bool data_dirty_ = false;
};

}  // namespace broker_model::storage
